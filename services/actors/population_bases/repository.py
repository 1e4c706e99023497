"""All SQL of population bases."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from services.actors.population_bases.models import PopulationBasis, PopulationBasisRow
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository

# (total population, row count) of a basis
Figures = tuple[int, int]


class PopulationBasisRepository(Repository[PopulationBasis]):
    model = PopulationBasis
    noun = "population basis"

    async def with_rows(self, basis_id: str) -> PopulationBasis | None:
        query = select(PopulationBasis).where(PopulationBasis.id == basis_id).options(
            selectinload(PopulationBasis.rows))
        return (await self.session.scalars(query)).one_or_none()

    async def hold_id(self, basis_id: str) -> None:
        """Held until the transaction ends: a create retried at the same time finds the first one."""
        await hold(self.session, (PopulationBasis.__tablename__, basis_id))

    async def page(self, *, county_code: str | None, after: str | None,
                   limit: int) -> tuple[Sequence[PopulationBasis], int]:
        query = select(PopulationBasis)
        if county_code:
            query = query.where(PopulationBasis.county_code == county_code)
        return await keyset_page(self.session, query, PopulationBasis.id, after=after, limit=limit)

    async def figures(self, basis_ids: Sequence[str]) -> dict[str, Figures]:
        """{basis id: (total, rows)} of these bases, in one statement."""
        if not basis_ids:
            return {}
        rows = PopulationBasisRow
        query = (select(rows.basis_id, func.sum(rows.population), func.count(rows.code))
                 .where(rows.basis_id.in_(basis_ids)).group_by(rows.basis_id))
        return {basis_id: (int(total), count) for basis_id, total, count in (await self.session.execute(query)).all()}

    async def add_basis(self, basis: PopulationBasis) -> None:
        self.session.add(basis)
        await self.session.flush()
