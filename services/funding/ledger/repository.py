"""All SQL of the ledger: append an entry, read the chain, sum balances with one GROUP BY."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.ledger.models import EntryType, LedgerEntry
from shared.locks import hold


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

    async def add(self, entry: LedgerEntry) -> None:
        self.session.add(entry)
        await self.session.flush()

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
        kind = func.coalesce(LedgerEntry.reversed_type, LedgerEntry.entry_type)
        signed = case((LedgerEntry.entry_type == EntryType.REVERSAL.value, -LedgerEntry.amount_ore),
                      else_=LedgerEntry.amount_ore)
        group = {None: None, "county": LedgerEntry.county_code, "recipient": LedgerEntry.receiver}[by]
        columns = [group.label("grp")] if group is not None else []
        query = (select(*columns, kind.label("kind"), func.sum(signed).label("total"))
                 .where(LedgerEntry.agreement_id == agreement_id, LedgerEntry.entry_date <= as_of)
                 .group_by(*([group] if group is not None else []), kind))
        rows = (await self.session.execute(query)).all()
        return [(row.grp if group is not None else None, row.kind, int(row.total)) for row in rows]
