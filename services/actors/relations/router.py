from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.actors.identifiers import RECORD_ID_PATTERN, RecordIdPath
from services.actors.relations.schemas import ConfirmIn, KindFilter, RelationIn, RelationOut
from services.actors.relations.service import RelationService
from shared.etag import IfMatch, answer_stored, set_etag
from shared.identity import AnyCaller, WritingCaller
from shared.pagination import Page, Paging
from shared.periods import AsOfQuery, CloseIn
from shared.problems import problem_responses
from shared.service_provider import provided

Relations = Annotated[RelationService, provided(RelationService, AnyCaller)]
RelationWriter = Annotated[RelationService, provided(RelationService, WritingCaller)]

router = APIRouter(prefix="/relations", tags=["relations"], responses=problem_responses(401, 422))


@router.get("", summary="Relations between organisations, optionally as of a date")
async def list_relations(relations: Relations, paging: Paging, as_of: AsOfQuery = None,
                         kind: KindFilter = None,
                         organisation: Annotated[str | None, Query(pattern=RECORD_ID_PATTERN,
                                                                   description="Either end")] = None,
                         ) -> Page[RelationOut]:
    return await relations.search(kind=kind.value if kind else None, organisation_id=organisation, as_of=as_of,
                                  paging=paging)


@router.post("", status_code=201, summary="Record a relation for a period", responses=problem_responses(403, 409))
async def create_relation(data: RelationIn, relations: RelationWriter, request: Request,
                  response: Response) -> RelationOut:
    relation, created = await relations.create(data)
    return answer_stored(request, response, relation, f"/relations/{relation.id}", created)


@router.get("/{relation_id}", summary="One relation", responses=problem_responses(404))
async def get_relation(relation_id: RecordIdPath, relations: Relations, response: Response,
                       as_of: AsOfQuery = None) -> RelationOut:
    relation = await relations.read(relation_id, as_of or date.today())
    set_etag(response, relation.version)
    return relation


@router.post("/{relation_id}/close", summary="End a relation on a date; it stays in the history",
             responses=problem_responses(403, 404, 409, 412, 428))
async def close_relation(relation_id: RecordIdPath, data: CloseIn, relations: RelationWriter, response: Response,
                         if_match: IfMatch = None) -> RelationOut:
    relation = await relations.close(relation_id, data, if_match)
    set_etag(response, relation.version)
    return relation


@router.post("/{relation_id}/confirm",
             summary="Confirm that a relation holds from a day: known from then until it ends",
             responses=problem_responses(403, 404, 409, 412, 428))
async def confirm_relation(relation_id: RecordIdPath, data: ConfirmIn, relations: RelationWriter,
                           response: Response, if_match: IfMatch = None) -> RelationOut:
    """For an attested-only relation, which the register knows only through its last attestation: the county
    system that owns it (its subject's county) says that it still holds, for instance that the region hosts the
    county's RSS today. The stored period is kept; the relation is known from `on` until it ends."""
    relation = await relations.confirm(relation_id, data, if_match)
    set_etag(response, relation.version)
    return relation
