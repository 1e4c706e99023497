"""Reads of the SCB division, shaped for the API."""

from services.actors.geography import schemas
from services.actors.geography.models import County, Municipality
from services.actors.geography.repository import GeographyRepository
from services.actors.ttl_cache import TTLCache
from shared.pagination import Page, PageRequest
from shared.problems import InvalidInput, NotFound


def _municipality(m: Municipality) -> schemas.Municipality:
    populations = [schemas.Population(year=p.year, population=p.population) for p in m.populations]
    latest = populations[-1] if populations else None
    return schemas.Municipality(code=m.code, name=m.name, county_code=m.county_code, county_name=m.county.name,
                                population=latest.population if latest else None,
                                population_year=latest.year if latest else None, populations=populations)


# SCB's division changes once a year, through the reference-data loader: each process keeps its answers for a
# minute, so a reload shows within a minute and the most-read endpoints do not touch the database.
REFERENCE_CACHE: TTLCache[object] = TTLCache(ttl_seconds=60)


class GeographyService:
    def __init__(self, repository: GeographyRepository) -> None:
        self.repository = repository

    async def list_counties(self, *, name: str | None, paging: PageRequest) -> Page[schemas.CountySummary]:
        key = ("counties", name, paging.limit, tuple(paging.after or ()), paging.link_base())
        return await REFERENCE_CACHE.get_or_compute(key, lambda: self._list_counties(name, paging))  # type: ignore[return-value]

    async def _list_counties(self, name: str | None, paging: PageRequest) -> Page[schemas.CountySummary]:
        rows, count = await self.repository.counties(name=name, after=paging.after_key(str), limit=paging.limit + 1)
        stats = await self.repository.county_populations([c.code for c in rows])
        items = [self._county_summary(c, stats.get(c.code)) for c in rows]
        return paging.page(items, count=count, sort_key=lambda c: [c.code])

    async def get_county(self, code: str) -> schemas.County:
        return await REFERENCE_CACHE.get_or_compute(("county", code), lambda: self._get_county(code))  # type: ignore[return-value]

    async def _get_county(self, code: str) -> schemas.County:
        county = await self.repository.county(code)
        if county is None:
            raise NotFound(f"No county has SCB code {code}. Counties are 01-25 (21 in use).")
        stats = await self.repository.county_populations([code])
        municipalities = await self.repository.municipalities_in(code)
        summary = self._county_summary(county, stats.get(code))
        return schemas.County(**summary.model_dump(),
                              municipalities=[schemas.MunicipalitySummary.model_validate(m) for m in municipalities])

    async def list_municipalities(self, *, county_code: str | None, name: str | None,
                                  paging: PageRequest) -> Page[schemas.Municipality]:
        if county_code and not await self.repository.county_exists(county_code):
            raise InvalidInput.field("query.county", "unknown_code", f"No county has SCB code {county_code}.")
        rows, count = await self.repository.municipalities(county_code=county_code, name=name,
                                                           after=paging.after_key(str), limit=paging.limit + 1)
        return paging.page([_municipality(m) for m in rows], count=count, sort_key=lambda m: [m.code])

    async def get_municipality(self, code: str) -> schemas.Municipality:
        return await REFERENCE_CACHE.get_or_compute(("municipality", code),  # type: ignore[return-value]
                                                    lambda: self._get_municipality(code))

    async def _get_municipality(self, code: str) -> schemas.Municipality:
        municipality = await self.repository.municipality(code)
        if municipality is None:
            raise NotFound(f"No municipality has SCB code {code}.")
        return _municipality(municipality)

    @staticmethod
    def _county_summary(county: County, stats: tuple[int, int, int] | None) -> schemas.CountySummary:
        n, population, year = stats or (0, None, None)
        return schemas.CountySummary(code=county.code, name=county.name, municipality_count=n,
                                     population=population, population_year=year)
