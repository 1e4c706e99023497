"""All SQL for the geography: counties, municipalities, populations."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services.actors.geography.models import County, Municipality, MunicipalityPopulation
from shared.pagination import count_rows
from shared.text_search import like_pattern


class GeographyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def county(self, code: str) -> County | None:
        return await self.session.get(County, code)

    async def county_exists(self, code: str) -> bool:
        return await self.county(code) is not None

    async def counties(self, *, name: str | None, after: str | None, limit: int) -> tuple[Sequence[County], int]:
        query = select(County)
        if name:
            query = query.where(County.search_name.like(like_pattern(name)))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(County.code > after)
        rows = (await self.session.scalars(query.order_by(County.code).limit(limit))).all()
        return rows, count or 0

    async def county_populations(self, codes: Sequence[str]) -> dict[str, tuple[int, int, int]]:
        """county code -> (municipality count, population, year) using each county's latest year."""
        latest = select(func.max(MunicipalityPopulation.year)).scalar_subquery()
        query = (
            select(Municipality.county_code, func.count(Municipality.code),
                   func.sum(MunicipalityPopulation.population), func.max(MunicipalityPopulation.year))
            .join(MunicipalityPopulation, (MunicipalityPopulation.municipality_code == Municipality.code)
                  & (MunicipalityPopulation.year == latest), isouter=True)
            .where(Municipality.county_code.in_(codes))
            .group_by(Municipality.county_code)
        )
        return {code: (n, pop, year) for code, n, pop, year in (await self.session.execute(query)).all()}

    async def municipality(self, code: str) -> Municipality | None:
        query = (select(Municipality).where(Municipality.code == code)
                 .options(selectinload(Municipality.populations), selectinload(Municipality.county)))
        return (await self.session.scalars(query)).one_or_none()

    async def municipalities_in(self, county_code: str) -> Sequence[Municipality]:
        query = select(Municipality).where(Municipality.county_code == county_code).order_by(Municipality.code)
        return (await self.session.scalars(query)).all()

    async def municipalities(self, *, county_code: str | None, name: str | None, after: str | None,
                             limit: int) -> tuple[Sequence[Municipality], int]:
        query = select(Municipality)
        if county_code:
            query = query.where(Municipality.county_code == county_code)
        if name:
            query = query.where(Municipality.search_name.like(like_pattern(name)))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(Municipality.code > after)
        query = (query.order_by(Municipality.code).limit(limit)
                 .options(selectinload(Municipality.populations), selectinload(Municipality.county)))
        return (await self.session.scalars(query)).all(), count or 0
