"""All SQL of the ledger: append an entry, read the chain, sum balances with one GROUP BY."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.ledger.models import EntryType, LedgerEntry
from shared.locks import hold


def values_of(record: Any) -> dict[str, Any]:
    """A new record's column values for a bulk INSERT, its generated id aside (SQLite hands generated ids of
    a batch back to the ORM only row by row, so writers of many rows insert them without asking for the ids)."""
    return {c.key: getattr(record, c.key) for c in record.__table__.columns if c.key != "id"}


def kind_of_entry() -> ColumnElement[str]:
    """The balance an entry counts in: its own type, or for a reversal the type of the entry it reverses."""
    return func.coalesce(LedgerEntry.reversed_type, LedgerEntry.entry_type)


def signed_amount() -> ColumnElement[int]:
    """The entry's amount with its sign: a reversal counts against what it reverses."""
    return case((LedgerEntry.entry_type == EntryType.REVERSAL.value, -LedgerEntry.amount_ore),
                else_=LedgerEntry.amount_ore)


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def last_of(self, agreement_id: str) -> tuple[int, str] | None:
        """(position, hash) of the agreement's last entry; holds the agreement's chain until the transaction
        ends, so that concurrent writers append one after the other."""
        await hold(self.session, ("ledger_entries", agreement_id))
        row = (await self.session.execute(
            select(LedgerEntry.position, LedgerEntry.entry_hash).where(LedgerEntry.agreement_id == agreement_id)
            .order_by(LedgerEntry.position.desc()).limit(1))).first()
        return (row.position, row.entry_hash) if row else None

    async def add(self, *entries: LedgerEntry) -> None:
        """Appends the entries in one statement (an executemany), however many there are; they stay outside the
        session, whose reads of the ledger go to the database."""
        if entries:
            await self.session.execute(insert(LedgerEntry), [values_of(entry) for entry in entries])

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

    async def overview(self, as_of: date, by: str, county: str | None) -> list[tuple[str | None, str, int]]:
        """(group, entry type, net amount) over every agreement's entries up to `as_of`, in one GROUP BY; `by`:
        "county", "agreement" or "recipient"; `county` keeps one county's entries."""
        kind, signed = kind_of_entry(), signed_amount()
        group = {"county": LedgerEntry.county_code, "agreement": LedgerEntry.agreement_id,
                 "recipient": LedgerEntry.receiver}[by]
        query = (select(group.label("grp"), kind.label("kind"), func.sum(signed).label("total"))
                 .where(LedgerEntry.entry_date <= as_of).group_by(group, kind))
        if county is not None:
            query = query.where(LedgerEntry.county_code == county)
        return [(row.grp, row.kind, int(row.total)) for row in (await self.session.execute(query)).all()]

    async def of_county(self, county: str) -> list[LedgerEntry]:
        """A county's entries in every agreement, each agreement's in chain order."""
        return list((await self.session.scalars(
            select(LedgerEntry).where(LedgerEntry.county_code == county)
            .order_by(LedgerEntry.agreement_id, LedgerEntry.position))).all())
