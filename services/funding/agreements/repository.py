"""All SQL of agreements and funding lines."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from services.funding.agreements.models import Agreement, FundingLine
from services.funding.allocation.models import Allocation
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository


class AgreementRepository(Repository[Agreement]):
    model = Agreement
    noun = "agreement"

    async def hold_new(self, agreement_id: str) -> None:
        """Holds the id until the transaction ends, so that two creates of one agreement run one at a time."""
        await hold(self.session, ("agreements", agreement_id))

    async def search(self, *, year: int | None, after: str | None, limit: int) -> tuple[Sequence[Agreement], int]:
        """A page of agreements in id order; `year`: those whose years include it."""
        query = select(Agreement)
        if year is not None:
            query = query.where(Agreement.first_year <= year, Agreement.last_year >= year)
        return await keyset_page(self.session, query, Agreement.id, after=after, limit=limit)

    async def line_ids_in_use(self, ids: list[str]) -> set[str]:
        return set((await self.session.scalars(select(FundingLine.id).where(FundingLine.id.in_(ids)))).all())

    async def line(self, agreement_id: str, line_id: str, *, for_update: bool = False) -> FundingLine | None:
        if for_update:
            await hold(self.session, ("funding_lines", line_id))
        query = select(FundingLine).where(FundingLine.id == line_id, FundingLine.agreement_id == agreement_id)
        if for_update and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def allocated_from(self, line_id: str) -> int:
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(Allocation.total_ore), 0)).where(Allocation.funding_line_id == line_id,
                                                                   Allocation.parent_allocation_id.is_(None))))
