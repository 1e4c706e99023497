"""All SQL of allocations and their shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select

from services.funding.agreements.models import FundingLine
from services.funding.allocation.models import Allocation, AllocationShare
from shared.bulk_insert import insert_rows
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal


def allocations_of_year(year: int) -> Select[tuple[str]]:
    """The ids of the allocations (and distributions) of a year's funding lines: a list's `year` filter."""
    return (select(Allocation.id).join(FundingLine, FundingLine.id == Allocation.funding_line_id)
            .where(FundingLine.year == year))


class AllocationRepository(Repository[Allocation]):
    model = Allocation
    noun = "allocation"

    async def add_with_shares(self, allocation: Allocation, shares: list[dict[str, Any]]) -> None:
        """The allocation, then its shares (column values) in one statement however many there are (all 290
        municipalities), without an ORM object per share. The allocation leaves the session, so a later read in
        the same transaction loads it with its shares."""
        self.session.add(allocation)
        await self.session.flush()
        await insert_rows(self.session, AllocationShare, shares)
        self.session.expunge(allocation)

    async def search(self, *, year: int | None, county: str | None, agreement: str | None, recipient: str | None,
                     after: str | None, limit: int) -> tuple[Sequence[Allocation], int]:
        """A page of allocations in id order. `county`: a distribution within that county, or an allocation
        with a share in it; `recipient`: an allocation with a share of that recipient's."""
        query = where_equal(select(Allocation), (Allocation.agreement_id, agreement))
        if year is not None:
            query = query.where(Allocation.id.in_(allocations_of_year(year)))
        if county is not None:
            query = query.where(or_(Allocation.county_code == county, Allocation.id.in_(
                select(AllocationShare.allocation_id).where(AllocationShare.county_code == county))))
        if recipient is not None:
            query = query.where(Allocation.id.in_(select(AllocationShare.allocation_id)
                                                  .where(AllocationShare.recipient_id == recipient)))
        return await keyset_page(self.session, query, Allocation.id, after=after, limit=limit)

    async def share(self, allocation_id: str, recipient_id: str, *, for_update: bool = False
                    ) -> AllocationShare | None:
        """A recipient's share; `for_update` holds it until the transaction ends (requisitions draw on it)."""
        if for_update:
            await hold(self.session, ("allocation_shares", allocation_id, recipient_id))
        query = select(AllocationShare).where(AllocationShare.allocation_id == allocation_id,
                                              AllocationShare.recipient_id == recipient_id)
        if for_update and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def distributed_from(self, allocation_id: str, recipient_id: str) -> int:
        """What onward distributions of a recipient's share have passed on."""
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(Allocation.total_ore), 0))
            .where(Allocation.parent_allocation_id == allocation_id, Allocation.parent_recipient_id == recipient_id)))
