"""All SQL of the ledger: append an entry, read the chain, sum balances with one GROUP BY."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from services.funding.agreements.models import FundingLine
from services.funding.allocation.repository import allocations_of_year
from services.funding.ledger.models import EntryType, LedgerEntry, LedgerLegacyHead, LedgerTotal
from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.requisitions.models import Requisition
from shared.bulk_insert import insert_rows
from shared.driver_reads import DriverRead, session_driver
from shared.locks import hold
from shared.repository import Repository


def kind_of_entry() -> ColumnElement[str]:
    """The balance an entry counts in: its own type, or for a reversal the type of the entry it reverses."""
    return func.coalesce(LedgerEntry.reversed_type, LedgerEntry.entry_type)


def signed_amount() -> ColumnElement[int]:
    """The entry's amount with its sign: a reversal counts against what it reverses."""
    return case((LedgerEntry.entry_type == EntryType.REVERSAL.value, -LedgerEntry.amount_ore),
                else_=LedgerEntry.amount_ore)


GROUPINGS: dict[str, Any] = {"county": LedgerEntry.county_code, "agreement": LedgerEntry.agreement_id,
                             "recipient": LedgerEntry.receiver}
# Groupings kept as running totals: a few rows each per county (an allocation over 290 municipalities moves 21 of
# them). Totals per recipient would move a row per share (290 upserts per allocation, measured at 47 ms of the
# save), so that overview sums the entries.
TOTALLED = ("county", "agreement")


def _sums(group: Any, *conditions: ColumnElement[bool], grouping: str | None = None, sign: int = 1) -> Select[Any]:
    """(grp, kind, total, entries) of the entries meeting `conditions`, summed by group, county and kind, with
    (grouping, county_code) first when `grouping` is named (the totals' key); an absent group or county is ""."""
    kind, total, entries = kind_of_entry(), func.sum(signed_amount()), func.count()
    if sign < 0:
        total, entries = -total, -entries
    key = [literal(grouping).label("grouping"), func.coalesce(LedgerEntry.county_code, "").label("county_code")] \
        if grouping else []
    return (select(*key, func.coalesce(group, "").label("grp"), kind.label("kind"), total.label("total"),
                   entries.label("entries"))
            .where(*conditions).group_by(group, LedgerEntry.county_code, kind))


def _totals_read(by: str, one_county: bool) -> Select[Any]:
    """The running totals of a grouping (of :county), each row with the latest entry date of the ledger (read by
    one backward step on the entry_date index, once for the statement): the overview as of any date from then
    on, in one small statement."""
    totals = LedgerTotal
    latest = select(func.max(LedgerEntry.entry_date)).scalar_subquery()
    query = (select(totals.grp, totals.kind, totals.total, totals.entries, latest.label("latest"))
             .where(totals.grouping == by))
    return query.where(totals.county_code == bindparam("county")) if one_county else query


def _totals_less_later(by: str, one_county: bool) -> Select[Any]:
    """The overview by a totalled grouping as of :as_of (and of :county) when entries are dated after it: the
    totals less what those entries add, in one statement (one snapshot, also on an autocommit connection)."""
    totals = LedgerTotal
    kept = select(totals.grp.label("grp"), totals.kind.label("kind"), totals.total.label("total"),
                  totals.entries.label("entries")).where(totals.grouping == by)
    later = _sums(GROUPINGS[by], LedgerEntry.entry_date > bindparam("as_of", type_=Date), sign=-1)
    if one_county:
        kept = kept.where(totals.county_code == bindparam("county"))
        later = later.where(LedgerEntry.county_code == bindparam("county"))
    both = union_all(kept, later).subquery()
    return (select(both.c.grp, both.c.kind, func.sum(both.c.total).label("total"))
            .group_by(both.c.grp, both.c.kind).having(func.sum(both.c.entries) > 0))


# Built once: the statements differ only in their parameters.
_KEYS = [(by, one_county) for by in TOTALLED for one_county in (False, True)]
_TOTALS_READ = {key: DriverRead(_totals_read(*key)) for key in _KEYS}
_TOTALS_LESS_LATER = {key: DriverRead(_totals_less_later(*key)) for key in _KEYS}


def of_year(year: int) -> ColumnElement[bool]:
    """The entries of a year's funding lines: each entry's document (a line, an allocation or distribution, a
    requisition, a spending report, a repayment) traced back to its funding line."""
    allocations = allocations_of_year(year)
    reports = select(SpendingReport.id).where(SpendingReport.allocation_id.in_(allocations))
    documents = {
        "funding_line": select(FundingLine.id).where(FundingLine.year == year),
        "allocation": allocations,
        "requisition": select(Requisition.id).where(Requisition.allocation_id.in_(allocations)),
        "spending_report": reports,
        "repayment": select(Repayment.id).join(RepaymentClaim, RepaymentClaim.id == Repayment.claim_id)
                     .where(RepaymentClaim.report_id.in_(reports)),
    }
    return or_(*(and_(LedgerEntry.document_type == kind, LedgerEntry.document_id.in_(ids))
                 for kind, ids in documents.items()))


class LedgerRepository(Repository[LedgerEntry]):
    model = LedgerEntry
    noun = "ledger entry"

    async def last_of(self, agreement_id: str) -> tuple[int, str] | None:
        """(position, hash) of the agreement's last entry; holds the agreement's chain until the transaction
        ends, so that concurrent writers append one after the other."""
        await hold(self.session, ("ledger_entries", agreement_id))
        row = (await self.session.execute(
            select(LedgerEntry.position, LedgerEntry.entry_hash).where(LedgerEntry.agreement_id == agreement_id)
            .order_by(LedgerEntry.position.desc()).limit(1))).first()
        return (row.position, row.entry_hash) if row else None

    async def head(self, agreement_id: str) -> tuple[int, str] | None:
        """(position, hash) of the agreement's last entry, read without holding the chain."""
        row = (await self.session.execute(
            select(LedgerEntry.position, LedgerEntry.entry_hash).where(LedgerEntry.agreement_id == agreement_id)
            .order_by(LedgerEntry.position.desc()).limit(1))).first()
        return (row.position, row.entry_hash) if row else None

    async def legacy_head(self, agreement_id: str) -> LedgerLegacyHead | None:
        return await self.session.get(LedgerLegacyHead, agreement_id)

    async def append(self, rows: list[dict[str, Any]]) -> None:
        """Appends entries, given as column values, in one statement however many there are
        (shared.bulk_insert.insert_rows): no ORM object is made per row, and the session's reads of the ledger go
        to the database."""
        await insert_rows(self.session, LedgerEntry, rows)

    async def chain(self, agreement_id: str) -> list[LedgerEntry]:
        return list((await self.session.scalars(
            select(LedgerEntry).where(LedgerEntry.agreement_id == agreement_id)
            .order_by(LedgerEntry.position))).all())

    async def entry(self, agreement_id: str, position: int) -> LedgerEntry | None:
        return await self.session.scalar(select(LedgerEntry).where(
            LedgerEntry.agreement_id == agreement_id, LedgerEntry.position == position))

    async def sums(self, agreement_id: str, as_of: date, by: str | None) -> list[tuple[str | None, str, int]]:
        """(group, entry type, net amount) for the agreement's entries up to `as_of`; a reversal counts
        against the type it reverses. `by`: None (the agreement), "county" or "recipient"."""
        kind, signed = kind_of_entry(), signed_amount()
        group = {None: None, "county": LedgerEntry.county_code, "recipient": LedgerEntry.receiver}[by]
        columns = [group.label("grp")] if group is not None else []
        query = (select(*columns, kind.label("kind"), func.sum(signed).label("total"))
                 .where(LedgerEntry.agreement_id == agreement_id, LedgerEntry.entry_date <= as_of)
                 .group_by(*([group] if group is not None else []), kind))
        rows = (await self.session.execute(query)).all()
        return [(row.grp if group is not None else None, row.kind, int(row.total)) for row in rows]

    async def overview(self, as_of: date, by: str, county: str | None,
                       year: int | None = None) -> list[tuple[str | None, str, int]]:
        """(group, entry type, net amount) over every agreement's entries up to `as_of`; `by`: "county",
        "agreement" or "recipient"; `county` keeps one county's entries. By county or agreement: the running
        totals (ledger_totals), a few hundred rows however long the ledger is, in one statement when nothing is
        dated after `as_of` (the usual case: today); otherwise a second one takes away what the entries dated
        after it add. A group shows when it has an entry by then. By recipient, or of one `year`'s funding lines
        only: a GROUP BY over the entries."""
        if by not in TOTALLED or year is not None:
            return await self._overview_summed(as_of, by, county, year)
        db = await session_driver(self.session)  # the shared read path: statements built and compiled once
        rows = await _TOTALS_READ[(by, county is not None)].rows(db, county=county)
        if not rows or rows[0].latest is None or rows[0].latest <= as_of:
            return [(grp or None, kind, total) for grp, kind, total, entries, _latest in rows if entries > 0]
        later = await _TOTALS_LESS_LATER[(by, county is not None)].rows(db, county=county, as_of=as_of)
        return [(row.grp or None, row.kind, int(row.total)) for row in later]

    async def _overview_summed(self, as_of: date, by: str, county: str | None,
                               year: int | None = None) -> list[tuple[str | None, str, int]]:
        """The overview in one GROUP BY over every entry dated by `as_of` (of `year`'s funding lines)."""
        kind, signed, group = kind_of_entry(), signed_amount(), GROUPINGS[by]
        query = (select(group.label("grp"), kind.label("kind"), func.sum(signed).label("total"))
                 .where(LedgerEntry.entry_date <= as_of).group_by(group, kind))
        if county is not None:
            query = query.where(LedgerEntry.county_code == county)
        if year is not None:
            query = query.where(of_year(year))
        return [(row.grp, row.kind, int(row.total)) for row in (await self.session.execute(query)).all()]

    async def largest_total(self) -> int:
        """The largest running total in öre, in either direction (0 when there is none)."""
        return int(await self.session.scalar(select(func.coalesce(func.max(func.abs(LedgerTotal.total)), 0))) or 0)

    async def add_to_totals(self, agreement_id: str, after_position: int) -> None:
        """Moves the running totals by the agreement's entries after `after_position` (those just appended), in
        one statement for every grouping. The rows are written in key order, so concurrent writers take their
        locks in the same order; they are held to the end of the transaction, as the chain's lock is."""
        new = (LedgerEntry.agreement_id == agreement_id, LedgerEntry.position > after_position)
        parts = union_all(*(_sums(GROUPINGS[name], *new, grouping=name) for name in TOTALLED)).subquery()
        columns = ["grouping", "grp", "county_code", "kind", "total", "entries"]
        source = (select(*(parts.c[name] for name in columns)).where(true())  # WHERE: SQLite's upsert grammar
                  .order_by(parts.c.grouping, parts.c.grp, parts.c.county_code, parts.c.kind))
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        insert_ = dialect.insert(LedgerTotal.__table__).from_select(columns, source)
        await self.session.execute(insert_.on_conflict_do_update(
            index_elements=["grouping", "grp", "county_code", "kind"],
            set_={"total": LedgerTotal.__table__.c.total + insert_.excluded.total,
                  "entries": LedgerTotal.__table__.c.entries + insert_.excluded.entries}))

    async def stored_totals(self, agreement_id: str | None) -> dict[tuple[str, str, str, str], tuple[int, int]]:
        """The running totals, {(grouping, group, county, kind): (total, entries)}: every row, or the rows of one
        agreement (its "agreement" grouping; the "county" rows mix agreements)."""
        query = select(LedgerTotal)
        if agreement_id is not None:
            query = query.where(LedgerTotal.grouping == "agreement", LedgerTotal.grp == agreement_id)
        return {(t.grouping, t.grp, t.county_code, t.kind): (int(t.total), int(t.entries))
                for t in (await self.session.scalars(query)).all()}

    async def recomputed_totals(self, agreement_id: str | None) -> dict[tuple[str, str, str, str], tuple[int, int]]:
        """What the running totals would be, summed from the entries as add_to_totals sums new ones, in the
        shape of stored_totals."""
        if agreement_id is None:
            query: Any = union_all(*(_sums(GROUPINGS[name], grouping=name) for name in TOTALLED))
        else:
            query = _sums(GROUPINGS["agreement"], LedgerEntry.agreement_id == agreement_id, grouping="agreement")
        return {(r.grouping, r.grp, r.county_code, r.kind): (int(r.total), int(r.entries))
                for r in (await self.session.execute(query)).all()}

    async def of_county(self, county: str) -> list[LedgerEntry]:
        """A county's entries in every agreement, each agreement's in chain order."""
        return list((await self.session.scalars(
            select(LedgerEntry).where(LedgerEntry.county_code == county)
            .order_by(LedgerEntry.agreement_id, LedgerEntry.position))).all())
