"""Exports for spreadsheets: an agreement's (or a county's) shares with what became of each, and its ledger.

The numbers are the API's: a share's amount is the allocation's `amount`, and its allocated, requisitioned,
paid, distributed, reported_spent, to_repay and repaid are the ledger's entries summed exactly as the balances
are (GET …/balances?by=recipient adds up each recipient's rows), traced to the share through their documents.
Amounts are Decimal kronor: shared.spreadsheet_export writes them with the decimal comma in a `;` CSV and as
numbers with two decimals in XLSX. The ledger's rows are its entries as GET …/ledger answers them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.service import AgreementService
from services.funding.exports.repository import ExportRepository
from services.funding.ledger.models import EntryType, LedgerEntry
from services.funding.ledger.repository import LedgerRepository
from services.funding.ledger.schemas import Balance, LedgerEntryOut
from services.funding.ledger.service import BALANCE_OF, LedgerService
from shared.counties import county_name
from shared.identity import Principal
from shared.records import aware
from shared.spreadsheet_export import Column

BALANCE_COLUMNS = ("allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay", "repaid")
SHARE_COLUMNS = ("agreement_id", "registry_number", "area", "year", "allocation_id", "parent_allocation_id",
                 "parent_recipient_id", "recipient_id", "name", "county_code", "county_name", "basis", "share",
                 *BALANCE_COLUMNS)
LEDGER_COLUMNS = ("agreement_id", *(name for field in LedgerEntryOut.model_fields
                                    for name in ((field, "county_name") if field == "county_code" else (field,))))
OVERVIEW_AMOUNTS = tuple(Balance.model_fields)
OVERVIEW_COLUMNS = ("as_of", "by", "group", "county_name", *OVERVIEW_AMOUNTS)

Table = tuple[Sequence[str | Column], list[list[object]]]


def kronor(ore: int) -> Decimal:
    """Öre as kronor with exactly two decimals (1225535.00), never through a float."""
    return Decimal(ore).scaleb(-2)


class ExportService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = ExportRepository(session)

    async def shares(self, as_of: date, *, agreement_id: str | None = None, county: str | None = None) -> Table:
        if agreement_id is not None:
            await AgreementService(self.session, self.caller).read(agreement_id)  # 404 for an unknown one
        shares = await self.repository.shares(agreement_id=agreement_id, county=county)
        sums: dict[tuple[str | None, str], dict[str, int]] = {}
        for allocation_id, receiver, kind, amount in await self.repository.share_sums(
                as_of, agreement_id=agreement_id, county=county):
            name = BALANCE_OF.get(EntryType(kind))
            if name is not None:
                row = sums.setdefault((allocation_id, receiver), {})
                row[name] = row.get(name, 0) + amount
        rows: list[list[object]] = []
        for s in shares:
            balance = sums.get((s.allocation_id, s.recipient_id), {})
            rows.append([s.agreement_id, s.registry_number, s.area, s.year, s.allocation_id, s.parent_allocation_id,
                         s.parent_recipient_id, s.recipient_id, s.recipient_name, s.county_code,
                         county_name(s.county_code), s.basis,
                         kronor(s.amount_ore), *(kronor(balance.get(c, 0)) for c in BALANCE_COLUMNS)])
        return SHARE_COLUMNS, rows

    async def ledger(self, *, agreement_id: str | None = None, county: str | None = None) -> Table:
        ledger = LedgerRepository(self.session)
        if agreement_id is not None:
            await AgreementService(self.session, self.caller).read(agreement_id)
            entries = await ledger.chain(agreement_id)
        else:
            assert county is not None
            entries = await ledger.of_county(county)
        return LEDGER_COLUMNS, list(_ledger_rows(entries))


    async def overview(self, as_of: date, by: str, county: str | None) -> Table:
        """The national overview as GET /balances answers it: one row per group (a county, with its name; an
        agreement; a recipient; `by` what the group is, an empty group what none holds, the agency's commitment),
        then the total (`by` "total")."""
        found = await LedgerService(self.session, self.caller).overview(as_of, by, county)
        rows: list[list[object]] = []
        for group in [*found.groups, found.total]:
            key = getattr(group, "group", None)
            name = county_name(key) if by == "county" else county_name(county) if county else None
            rows.append([as_of, by if group is not found.total else "total", key, name,
                         *(kronor(getattr(group, c)) for c in OVERVIEW_AMOUNTS)])
        return OVERVIEW_COLUMNS, rows


def _cell(entry: LedgerEntry, column: str) -> object:
    if column == "county_name":
        return county_name(entry.county_code)
    if column == "amount":
        return kronor(entry.amount_ore)
    if column == "recorded_at":  # ISO 8601 with its offset, the same in CSV and XLSX
        return aware(entry.recorded_at).isoformat()
    return getattr(entry, column)


def _ledger_rows(entries: list[LedgerEntry]) -> Iterator[list[object]]:
    for e in entries:
        yield [e.agreement_id, *(_cell(e, c) for c in LEDGER_COLUMNS[1:])]
