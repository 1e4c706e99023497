"""How the ledger is answered: its entries, a verification, a checkpoint, balances and the overview."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.funding.ledger.models import LedgerEntry
from services.funding.ledger.schemas import (
    Balance,
    BalancesOut,
    ChainBreak,
    CheckpointOut,
    GroupBalance,
    LedgerEntryOut,
    LedgerOut,
    OverviewOut,
    ReceiptCheck,
    TotalDifference,
    TotalsVerificationOut,
    VerificationOut,
)

_ENTRY_COLUMNS = tuple(c for c in LedgerEntryOut.model_fields if c != "amount")


def ledger_entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut.model_validate({**{c: getattr(entry, c) for c in _ENTRY_COLUMNS},
                                          "amount": entry.amount_ore})


def ledger_out(agreement_id: str, entries: list[LedgerEntry]) -> LedgerOut:
    return LedgerOut(agreement_id=agreement_id, entries=[ledger_entry_out(e) for e in entries])


def verification_out(agreement_id: str, *, entries: int, intact: bool, first_break: ChainBreak | None,
                     last_hash: str | None, keyed_entries: int, legacy_entries: int, legacy_rule: str | None,
                     receipt: ReceiptCheck | None, total_differences: list[TotalDifference]) -> VerificationOut:
    return VerificationOut(agreement_id=agreement_id, entries=entries, intact=intact, first_break=first_break,
                           last_hash=last_hash, keyed_entries=keyed_entries, legacy_entries=legacy_entries,
                           legacy_rule=legacy_rule, receipt=receipt, total_differences=total_differences)


def checkpoint_out(signed: dict[str, Any], receipt: str) -> CheckpointOut:
    """A signed checkpoint (chain.sign_checkpoint) with its receipt token."""
    return CheckpointOut(**signed, receipt=receipt)


def totals_verification_out(rows: int, differences: list[TotalDifference]) -> TotalsVerificationOut:
    return TotalsVerificationOut(intact=not differences, rows=rows, total_differences=differences)


def balances_out(agreement_id: str, as_of: date, by: str | None, total: Balance,
                 groups: list[GroupBalance]) -> BalancesOut:
    return BalancesOut(agreement_id=agreement_id, as_of=as_of, by=by, total=total, groups=groups)


def overview_out(as_of: date, by: str, county: str | None, total: Balance, groups: list[GroupBalance],
                 year: int | None = None) -> OverviewOut:
    return OverviewOut(as_of=as_of, by=by, county=county, year=year, total=total, groups=groups)
