"""All SQL for the geography: counties, municipalities, populations."""

import functools
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, bindparam, func, select

from services.actors.database import table_columns
from services.actors.geography.models import County, Municipality, MunicipalityPopulation
from services.actors.id_lists import in_ids
from shared.driver_reads import DriverRead
from shared.pagination import capped_count, keyset_page
from shared.repository import Repository
from shared.text_search import like_pattern


@dataclass(slots=True)
class MunicipalityRecord:
    """A municipality as its reads present it: read as rows, one statement for the municipalities and one for
    their populations. Loaded as ORM objects with their collections, a page of 100 cost about six times the CPU
    (profile of 2026-12-01, docs/benchmarks.md)."""

    code: str
    name: str
    county_code: str
    county_name: str
    populations: list[Any] = field(default_factory=list)  # (year, population) rows, oldest first

    @property
    def population(self) -> int | None:
        """The latest published population."""
        return self.populations[-1].population if self.populations else None

    @property
    def population_year(self) -> int | None:
        return self.populations[-1].year if self.populations else None


_MUNICIPALITY = select(*table_columns(Municipality, "code", "name", "county_code"),
                       County.__table__.c.name.label("county_name")).join_from(
    Municipality.__table__, County.__table__, Municipality.__table__.c.county_code == County.__table__.c.code)
_POPULATIONS = MunicipalityPopulation.__table__


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

    async def municipality_heads(self, codes: set[str]) -> dict[str, tuple[str, str]]:
        """{SCB code: (name, county code)} of those of these municipalities the registry has, in one query."""
        if not codes:
            return {}
        query = select(Municipality.code, Municipality.name, Municipality.county_code).where(
            in_ids(self.session, Municipality.code, codes))
        return {row.code: (row.name, row.county_code) for row in (await self.session.execute(query)).all()}

    async def municipality(self, code: str) -> MunicipalityRecord | None:
        records, _ = await self._page(_municipality_reads(county=False, name=False, after=False, one=True),
                                      {"code": code})
        return records[0] if records else None

    async def municipalities_in(self, county_code: str) -> Sequence[Municipality]:
        query = select(Municipality).where(Municipality.county_code == county_code).order_by(Municipality.code)
        return (await self.session.scalars(query)).all()

    async def municipalities(self, *, county_code: str | None, name: str | None, after: str | None,
                             limit: int) -> tuple[list[MunicipalityRecord], int]:
        reads = _municipality_reads(county=bool(county_code), name=bool(name), after=after is not None, one=False)
        params = {"county_code": county_code, "name": like_pattern(name) if name else None, "after": after,
                  "limit": limit}
        records, count = await self._page(reads, params)
        if count is None:  # nothing after the cursor: the count on its own
            count = (await self.rows(reads.count, **params))[0].count
        return records, count

    async def _page(self, reads: "_MunicipalityReads", params: dict[str, Any],
                    ) -> tuple[list[MunicipalityRecord], int | None]:
        """The page's municipalities with their populations, and how many match (None when the page is empty),
        from one statement: a row per municipality and population year."""
        records: list[MunicipalityRecord] = []
        count = None
        for row in await self.rows(reads.page, **params):
            if not records or records[-1].code != row.code:
                records.append(MunicipalityRecord(row.code, row.name, row.county_code, row.county_name))
                count = row.matching
            if row.year is not None:
                records[-1].populations.append(Population(row.year, row.population))
        return records, count


Population = namedtuple("Population", "year population")


@dataclass(frozen=True)
class _MunicipalityReads:
    count: DriverRead
    page: DriverRead


@functools.cache
def _municipality_reads(*, county: bool, name: bool, after: bool, one: bool) -> _MunicipalityReads:
    """The statements of a municipalities page with the filters given (each combination built and compiled once,
    its values bound at run time), or of one municipality by code (`one`). The page statement carries the count
    of all matches (capped_count) as a column, and the populations joined to the page's municipalities."""
    columns = Municipality.__table__.c
    conditions = []
    if one:
        conditions.append(columns.code == bindparam("code"))
    if county:
        conditions.append(columns.county_code == bindparam("county_code"))
    if name:
        conditions.append(columns.search_name.like(bindparam("name")))
    query = _MUNICIPALITY.where(*conditions)
    count = capped_count(select(columns.code).where(*conditions))  # the county's name is not needed to count
    if after:
        query = query.where(columns.code > bindparam("after"))
    query = query.add_columns(count.scalar_subquery().label("matching")).order_by(columns.code)
    if not one:
        query = query.limit(bindparam("limit", type_=Integer))
    page = query.subquery("page")
    with_populations = (select(page, _POPULATIONS.c.year, _POPULATIONS.c.population)
                        .outerjoin(_POPULATIONS, _POPULATIONS.c.municipality_code == page.c.code)
                        .order_by(page.c.code, _POPULATIONS.c.year))
    return _MunicipalityReads(DriverRead(count), DriverRead(with_populations))
