from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.actors.identifiers import LISTED_IDS_MAX_LENGTH, MAX_LISTED_IDS, RECORD_ID_PATTERN, listed_ids
from services.actors.organisations import schemas
from services.actors.organisations.service import OrganisationService
from shared.etag import NOT_MODIFIED, IfMatch, answer_stored, etag, not_modified, set_etag
from shared.identity import AnyCaller, WritingCaller
from shared.pagination import Page, Paging
from shared.periods import AsOfQuery, CloseIn
from shared.problems import problem_responses
from shared.service_provider import provided

OrganisationId = Annotated[str, Path(pattern=RECORD_ID_PATTERN, examples=["skr", "rss-20"])]
Organisations = Annotated[OrganisationService, provided(OrganisationService, AnyCaller)]
OrganisationWriter = Annotated[OrganisationService, provided(OrganisationService, WritingCaller)]

router = APIRouter(prefix="/organisations", tags=["organisations"], responses=problem_responses(401, 422))


@router.get("", summary="Search organisations by kind, county and name, as of a date")
async def list_organisations(
    organisations: Organisations, paging: Paging, as_of: AsOfQuery = None,
    kind: schemas.KindFilter = None,
    county: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="SCB county code")] = None,
    name: Annotated[str | None, Query(min_length=1, max_length=100,
                                      description="Part of any name it has had; å/ä/ö and case insensitive")] = None,
    include_inactive: Annotated[bool, Query(description="Also organisations that did not exist on the date")] = False,
    id: Annotated[str | None, Query(min_length=1, max_length=LISTED_IDS_MAX_LENGTH,
                                    description=f"Only these organisations: ids separated by commas, at most "
                                                f"{MAX_LISTED_IDS}", examples=["skr,rss-20"])] = None,
) -> Page[schemas.OrganisationOut]:
    ids = listed_ids(id, "query.id") if id is not None else None
    return await organisations.search(kind=kind.value if kind else None, county_code=county, name=name,
                                      as_of=as_of or date.today(), include_inactive=include_inactive, paging=paging,
                                      ids=ids)


@router.post("", status_code=201, summary="Register an organisation",
             responses=problem_responses(403, 409))
async def create_organisation(data: schemas.OrganisationIn, organisations: OrganisationWriter,
                              request: Request, response: Response) -> schemas.OrganisationOut:
    organisation, created = await organisations.create(data)
    return answer_stored(request, response, organisation, f"/organisations/{organisation.id}", created)


@router.get("/{organisation_id}", summary="One organisation as of a date",
            responses={**problem_responses(404), **NOT_MODIFIED})
async def get_organisation(organisation_id: OrganisationId, organisations: Organisations, request: Request,
                           response: Response, as_of: AsOfQuery = None) -> schemas.OrganisationOut:
    """The ETag is the record's version (send it in If-Match to change it). With `as_of` the answer is fixed by
    the version, so If-None-Match naming it gets 304; without, the answer also moves with today's date."""
    organisation = await organisations.read(organisation_id, as_of or date.today())
    if as_of is not None and (unchanged := not_modified(request, etag(organisation.version))) is not None:
        return unchanged  # type: ignore[return-value]
    set_etag(response, organisation.version)
    return organisation


@router.patch("/{organisation_id}", summary="Change an organisation (If-Match required)",
              responses=problem_responses(403, 404, 409, 412, 428))
async def update_organisation(organisation_id: OrganisationId, data: schemas.OrganisationPatch,
                              organisations: OrganisationWriter, response: Response,
                              if_match: IfMatch = None) -> schemas.OrganisationOut:
    organisation = await organisations.update(organisation_id, data, if_match)
    set_etag(response, organisation.version)
    return organisation


@router.post("/{organisation_id}/names", summary="Rename from a date; the old name stays in the history",
             responses=problem_responses(403, 404, 412, 428))
async def rename_organisation(organisation_id: OrganisationId, data: schemas.RenameIn,
                              organisations: OrganisationWriter, response: Response,
                              if_match: IfMatch = None) -> schemas.OrganisationOut:
    organisation = await organisations.rename(organisation_id, data, if_match)
    set_etag(response, organisation.version)
    return organisation


@router.post("/{organisation_id}/close", summary="Close an organisation: its validity ends, nothing is deleted",
             responses=problem_responses(403, 404, 409, 412, 428))
async def close_organisation(organisation_id: OrganisationId, data: CloseIn,
                             organisations: OrganisationWriter, response: Response,
                             if_match: IfMatch = None) -> schemas.OrganisationOut:
    organisation = await organisations.close(organisation_id, data, if_match)
    set_etag(response, organisation.version)
    return organisation
