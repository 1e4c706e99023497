"""All SQL for the geography: counties, municipalities, populations."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from services.actors.geography.models import County, Municipality, MunicipalityPopulation
from shared.pagination import keyset_page
from shared.repository import Repository
from shared.text_search import like_pattern


class GeographyRepository(Repository[County]):
    """Counties by SCB code (`get`), and their municipalities and populations."""

    model = County
    noun = "county"

    async def county_exists(self, code: str) -> bool:
        return await self.get(code) is not None

    async def counties(self, *, name: str | None, after: str | None, limit: int) -> tuple[Sequence[County], int]:
        query = select(County)
        if name:
            query = query.where(County.search_name.like(like_pattern(name)))
        return await keyset_page(self.session, query, County.code, after=after, limit=limit)

    async def county_codes(self) -> set[str]:
        return set(await self.session.scalars(select(County.code)))

    async def municipality_codes(self) -> set[str]:
        return set(await self.session.scalars(select(Municipality.code)))

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
        return await keyset_page(self.session, query, Municipality.code, after=after, limit=limit,
                                 options=(selectinload(Municipality.populations), selectinload(Municipality.county)))
