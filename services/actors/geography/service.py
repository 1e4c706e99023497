"""Reads of the SCB division, shaped for the API."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.changes.conditional import registry_etag
from services.actors.geography import schemas
from services.actors.geography.presenter import county_out, county_summary, municipalities_out, municipality_out
from services.actors.geography.repository import GeographyRepository
from services.actors.ttl_cache import TTLCache
from shared.pagination import Page, PageRequest
from shared.problems import InvalidInput, NotFound


class GeographyService:
    """`answers`: the app's cache of reference answers (app.state.reference_answers, see services/actors/main.py);
    the single counties and municipalities and the county list are kept there, the municipality list is not."""

    def __init__(self, session: AsyncSession, answers: TTLCache[object]) -> None:
        self.session = session
        self.repository = GeographyRepository(session)
        self.answers = answers

    async def municipalities_etag(self) -> str:
        """The municipality list's ETag: the register's change counter, which moves with every change to it."""
        return await registry_etag(self.session)

    async def list_counties(self, *, name: str | None, paging: PageRequest) -> Page[schemas.CountySummary]:
        key = ("counties", name, paging.limit, tuple(paging.after or ()), paging.link_base())
        return await self.answers.get_or_compute(key, lambda: self._list_counties(name, paging))  # type: ignore[return-value]

    async def _list_counties(self, name: str | None, paging: PageRequest) -> Page[schemas.CountySummary]:
        rows, count = await self.repository.counties(name=name, after=paging.after_key(str), limit=paging.limit + 1)
        figures = await self.repository.county_populations([c.code for c in rows])
        items = [county_summary(c, figures.get(c.code)) for c in rows]
        return paging.page(items, count=count, sort_key=lambda c: [c.code])

    async def get_county(self, code: str) -> schemas.County:
        return await self.answers.get_or_compute(("county", code), lambda: self._get_county(code))  # type: ignore[return-value]

    async def _get_county(self, code: str) -> schemas.County:
        county = await self.repository.get(code)
        if county is None:
            raise NotFound(f"No county has SCB code {code}. Counties are 01-25 (21 in use).")
        figures = await self.repository.county_populations([code])
        return county_out(county, figures.get(code), await self.repository.municipalities_in(code))

    async def list_municipalities(self, *, county_code: str | None, name: str | None,
                                  paging: PageRequest) -> Page[schemas.Municipality]:
        if county_code and not await self.repository.county_exists(county_code):
            raise InvalidInput.field("query.county", "unknown_reference", f"No county has SCB code {county_code}.")
        rows, count = await self.repository.municipalities(county_code=county_code, name=name,
                                                           after=paging.after_key(str), limit=paging.limit + 1)
        return paging.page(municipalities_out(rows), count=count, sort_key=lambda m: [m.code])

    async def get_municipality(self, code: str) -> schemas.Municipality:
        return await self.answers.get_or_compute(("municipality", code),  # type: ignore[return-value]
                                                 lambda: self._get_municipality(code))

    async def _get_municipality(self, code: str) -> schemas.Municipality:
        municipality = await self.repository.municipality(code)
        if municipality is None:
            raise NotFound(f"No municipality has SCB code {code}.")
        return municipality_out(municipality)
