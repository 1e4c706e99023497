"""The ledger's rules: entries are appended (never changed), chained by hash, and summed into balances."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.database import utcnow
from services.funding.ledger.chain import GENESIS, entry_hash
from services.funding.ledger.models import EntryType, LedgerEntry
from services.funding.ledger.repository import LedgerRepository
from services.funding.ledger.schemas import (
    Balance,
    BalancesOut,
    ChainBreak,
    GroupBalance,
    OverviewOut,
    VerificationOut,
)
from shared.identity import Principal
from shared.money import format_ore
from shared.problems import InvalidInput

MAX_TOTAL_ORE = 2**63 - 1  # a BIGINT, the column of every amount and running total

BALANCE_OF = {EntryType.COMMITMENT: "committed", EntryType.ALLOCATION: "allocated",
              EntryType.REQUISITION: "requisitioned", EntryType.DISBURSEMENT: "paid",
              EntryType.DISTRIBUTION: "distributed",
              EntryType.EXPENDITURE: "reported_spent", EntryType.REPAYMENT_CLAIM: "to_repay",
              EntryType.REPAYMENT: "repaid"}
_BALANCE_OF_KIND = {kind.value: name for kind, name in BALANCE_OF.items()}  # as stored: no enum made per row


@dataclass(frozen=True)
class NewEntry:
    """An entry to append: what happened; position, hashes, actor and request id are the ledger's."""

    entry_type: EntryType
    amount_ore: int
    provider: str
    receiver: str
    county_code: str | None
    document_type: str
    document_id: str
    entry_date: date | None = None
    reverses: LedgerEntry | None = None


class Ledger:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = LedgerRepository(session)

    async def record(self, caller: Principal, *, agreement_id: str, entry_type: EntryType, amount_ore: int,
                     provider: str, receiver: str, county_code: str | None, document_type: str, document_id: str,
                     entry_date: date | None = None, reverses: LedgerEntry | None = None) -> None:
        await self.record_all(caller, agreement_id, [NewEntry(
            entry_type=entry_type, amount_ore=amount_ore, provider=provider, receiver=receiver,
            county_code=county_code, document_type=document_type, document_id=document_id, entry_date=entry_date,
            reverses=reverses)])

    async def record_all(self, caller: Principal, agreement_id: str, new: Sequence[NewEntry]) -> None:
        """Appends the entries to the agreement's chain in the order given, with a fixed number of statements
        however many there are (an allocation over all 290 municipalities is 290 entries). Each is hashed from
        the column values it is stored with, chained to the one before, without reading anything back."""
        last = await self.repository.last_of(agreement_id)
        position, previous = last if last else (0, GENESIS)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        recorded_at, today = utcnow(), date.today()
        rows = []
        for item in new:
            position += 1
            row = {"agreement_id": agreement_id, "position": position, "entry_type": item.entry_type.value,
                   "reverses": item.reverses.position if item.reverses else None,
                   "reversed_type": item.reverses.entry_type if item.reverses else None,
                   "entry_date": item.entry_date or today, "amount_ore": item.amount_ore, "provider": item.provider,
                   "receiver": item.receiver, "county_code": item.county_code, "document_type": item.document_type,
                   "document_id": item.document_id, "actor": caller.subject, "request_id": request_id,
                   "previous_hash": previous, "recorded_at": recorded_at}
            row["entry_hash"] = previous = entry_hash(row, previous)
            rows.append(row)
        if rows:
            await self._within_totals(rows)
            await self.repository.add(rows)
            await self.repository.add_to_totals(agreement_id, last[0] if last else 0)

    async def _within_totals(self, rows: list[dict]) -> None:
        """422 unless the running totals (64-bit integers of öre in the database) can hold the new entries: each
        amount is bounded (shared.money.MAX_ORE), but enough of them add up past any column."""
        moved = sum(abs(row["amount_ore"]) for row in rows)
        if moved + await self.repository.largest_total() > MAX_TOTAL_ORE:
            raise InvalidInput.field("body", "totals_bound", f"The ledger's totals hold at most "
                                     f"{format_ore(MAX_TOTAL_ORE)} kronor; these amounts would take one past "
                                     "it. Nothing was stored.")

    async def reverse(self, caller: Principal, agreement_id: str, *, document_type: str, document_id: str,
                      entry_type: EntryType) -> bool:
        """Cancels the document's entry of `entry_type` with a reversing entry of the same amount; False when
        there is none."""
        original = next((e for e in reversed(await self.repository.chain(agreement_id))
                         if e.document_type == document_type and e.document_id == document_id
                         and e.entry_type == entry_type.value), None)
        if original is None:
            return False
        await self.record(caller, agreement_id=agreement_id, entry_type=EntryType.REVERSAL,
                          amount_ore=original.amount_ore, provider=original.provider, receiver=original.receiver,
                          county_code=original.county_code, document_type=document_type, document_id=document_id,
                          reverses=original)
        return True

    async def entries(self, agreement_id: str) -> list[LedgerEntry]:
        return await self.repository.chain(agreement_id)

    async def verify(self, agreement_id: str) -> VerificationOut:
        """Recomputes the chain from the first entry; reports the first entry whose stored hash, link or
        position does not match."""
        entries = await self.repository.chain(agreement_id)
        previous = GENESIS
        for expected_position, entry in enumerate(entries, start=1):
            reason = None
            if entry.position != expected_position:
                reason = f"position {expected_position} is missing: an entry was removed"
            elif entry.previous_hash != previous:
                reason = "the link to the previous entry does not match its hash"
            elif entry.entry_hash != entry_hash(entry, previous):
                reason = "the entry's content does not match its hash: it was changed after it was recorded"
            if reason:
                return VerificationOut(agreement_id=agreement_id, entries=len(entries), intact=False,
                                       first_break=ChainBreak(position=entry.position, reason=reason))
            previous = entry.entry_hash
        return VerificationOut(agreement_id=agreement_id, entries=len(entries), intact=True,
                               last_hash=previous if entries else None)

    async def balances(self, agreement_id: str, as_of: date, by: str | None) -> BalancesOut:
        total, groups = fold(await self.repository.sums(agreement_id, as_of, by), grouped=by is not None)
        return BalancesOut(agreement_id=agreement_id, as_of=as_of, by=by, total=total, groups=groups)

    async def overview(self, as_of: date, by: str, county: str | None) -> OverviewOut:
        total, groups = fold(await self.repository.overview(as_of, by, county), grouped=True)
        return OverviewOut(as_of=as_of, by=by, county=county, total=total, groups=groups)


def fold(rows: Iterable[tuple[str | None, str, int]], *, grouped: bool) -> tuple[Balance, list[GroupBalance]]:
    """(group, entry type, net amount) rows as a total and one balance per group, groups in order; summed as
    plain numbers, each balance made once."""
    total: dict[str, int] = {}
    groups: dict[str | None, dict[str, int]] = {}
    for group, kind, amount in rows:
        name = _BALANCE_OF_KIND.get(kind)
        if name is None:
            continue
        total[name] = total.get(name, 0) + amount
        if grouped:
            row = groups.setdefault(group, {})
            row[name] = row.get(name, 0) + amount
    return Balance(**total), [GroupBalance(group=group, **sums) for group, sums in
                              sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ""))]
