from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.actors.geography import schemas
from services.actors.geography.service import GeographyService
from shared.database import Session
from shared.etag import NOT_MODIFIED, not_modified
from shared.identity import AnyCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses


async def reading(request: Request, session: Session) -> GeographyService:
    return GeographyService(session, request.app.state.reference_answers)


Geography = Annotated[GeographyService, Depends(reading)]

router = APIRouter(tags=["geography"], responses=problem_responses(401, 422))
# The SCB lists change only when the reference data is reloaded: a caller may reuse them for a minute (as this
# service keeps its own reference answers) before revalidating with their ETag where they carry one.
REFERENCE_DATA_CACHE = "max-age=60"


@router.get("/counties", summary="List counties (public reference data)")
async def list_counties(geography: Geography, _caller: AnyCaller, paging: Paging, response: Response,
                        name: schemas.NameFilter = None) -> Page[schemas.CountySummary]:
    response.headers["Cache-Control"] = REFERENCE_DATA_CACHE
    return await geography.list_counties(name=name, paging=paging)


@router.get("/counties/{code}", summary="One county with its municipalities", responses=problem_responses(404))
async def get_county(code: schemas.CountyCode, geography: Geography, _caller: AnyCaller) -> schemas.County:
    return await geography.get_county(code)


@router.get("/municipalities", summary="List municipalities, filtered by county and name",
            responses=NOT_MODIFIED)
async def list_municipalities(geography: Geography, _caller: AnyCaller, paging: Paging, request: Request,
                              response: Response, county: schemas.CountyFilter = None,
                              name: schemas.NameFilter = None) -> Page[schemas.Municipality]:
    """With an ETag that moves with the register's change counter: a caller that keeps the answer (funding
    splits by these populations) sends it back in If-None-Match and gets 304 until the register changes."""
    etag = await geography.municipalities_etag()
    if (unchanged := not_modified(request, etag)) is not None:
        unchanged.headers["Cache-Control"] = REFERENCE_DATA_CACHE
        return unchanged  # type: ignore[return-value]
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = REFERENCE_DATA_CACHE
    return await geography.list_municipalities(county_code=county, name=name, paging=paging)


@router.get("/municipalities/{code}", summary="One municipality with its populations",
            responses=problem_responses(404))
async def get_municipality(code: schemas.MunicipalityCode, geography: Geography,
                           _caller: AnyCaller) -> schemas.Municipality:
    return await geography.get_municipality(code)
