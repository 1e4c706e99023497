from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.actors.identifiers import RECORD_ID_PATTERN, RecordIdPath
from services.actors.structure import schemas
from services.actors.structure.service import RepresentativesService, StructureService
from shared.etag import NOT_MODIFIED, not_modified
from shared.identity import AnyCaller
from shared.periods import AsOfQuery
from shared.problems import problem_responses
from shared.service_provider import provided

Structure = Annotated[StructureService, provided(StructureService, AnyCaller)]


async def representatives_reading(request: Request, caller: AnyCaller) -> RepresentativesService:
    """A plain dependency, no session: the representatives read takes its own connection from the pool."""
    return RepresentativesService(request.app.state.engine, request.app.state.representatives_cache, caller)


Representatives = Annotated[RepresentativesService, Depends(representatives_reading)]

router = APIRouter(tags=["structure"], responses=problem_responses(401, 422))


@router.get("/rss/{rss_id}", summary="An RSS on a date: host, parties, groups, contact point, representatives",
            response_model=schemas.RssOverview, responses=NOT_MODIFIED)
async def get_rss(rss_id: RecordIdPath, structure: Structure, request: Request, response: Response,
                  as_of: AsOfQuery = None) -> schemas.RssOverview | Response:
    """With an ETag that changes whenever the register changes, and differs by date and by whose contact details
    the caller sees (contact_audience: the holders' e-mail and phone are all that differ between callers): a
    dashboard that polls sends it back in If-None-Match and gets 304 Not Modified until something changed."""
    on = as_of or date.today()
    etag = await structure.rss_etag(on)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    response.headers.update({"ETag": etag, "Cache-Control": "no-cache"})
    return await structure.rss(rss_id, on)


@router.get("/organisations/{organisation_id}/members",
            summary="Members of a group, network or organisation on a date: organisations and post holders")
async def get_members(organisation_id: RecordIdPath, structure: Structure,
                      as_of: AsOfQuery = None) -> schemas.Members:
    return await structure.members(organisation_id, as_of or date.today())


@router.get("/organisations/{organisation_id}/history",
            summary="An organisation's whole history: names, relations, founding and closing, in date order")
async def get_organisation_history(organisation_id: RecordIdPath, structure: Structure) -> schemas.OrganisationHistory:
    return await structure.history(organisation_id)


@router.get("/representatives", summary="Who represents county X in network Y on date D",
            response_model=schemas.Representatives, responses=NOT_MODIFIED)
async def get_representatives(
    request: Request,
    representatives: Representatives,
    county: Annotated[str, Query(pattern=r"^[0-9]{2}$", description="SCB county code", examples=["01"])],
    network: Annotated[str, Query(pattern=RECORD_ID_PATTERN, description="Network or group id",
                                  examples=["network-rss"])],
    as_of: AsOfQuery = None,
) -> Response:
    """The answer carries an ETag that changes whenever the register changes: a county system that polls can
    send it back in If-None-Match and gets 304 Not Modified until something changed."""
    on = as_of or date.today()
    body, etag = await representatives.kept(county_code=county, network_id=network, on=on)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    return Response(content=body, media_type="application/json", headers={"ETag": etag, "Cache-Control": "no-cache"})
