from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from services.surveys.identifiers import CountyFilter, RecordIdPath
from services.surveys.permissions import AnsweringCaller
from services.surveys.responses.schemas import HistoryOut, ResponseIn, ResponseOut, ResponseUpdate, ReviewIn
from services.surveys.responses.service import ResponseService, etag_of
from shared.database import Session
from shared.etag import NOT_MODIFIED, IfMatch, not_modified
from shared.idempotency import IdempotencyKey, once, stored
from shared.identity import KeyHolder, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

# Every key reads responses within its read scope (services.surveys.permissions): a respondent its own.
Responses = Annotated[ResponseService, provided(ResponseService, KeyHolder)]
ResponseWriter = Annotated[ResponseService, provided(ResponseService, AnsweringCaller)]
Reviewer = Annotated[ResponseService, provided(ResponseService, WritingCaller)]

router = APIRouter(prefix="/rounds/{round_id}/responses", tags=["responses"],
                   responses=problem_responses(401, 403, 404, 422))


@router.get("", summary="The responses the caller may read (its county's, its own, or all: national), a page at "
                        "a time")
async def list_responses(round_id: RecordIdPath, responses: Responses, paging: Paging,
                         status: Annotated[Literal["draft", "submitted"] | None,
                                           Query(description="Only drafts or only submitted responses")] = None,
                         county: CountyFilter = None) -> Page[ResponseOut]:
    """A response in a list shows no review comments: read the response for them and for its ETag."""
    return await responses.page(round_id, status=status, county=county, paging=paging)


@router.post("", status_code=201, response_model=ResponseOut, responses=problem_responses(409),
             summary="Answer a round for one organisation: a draft or a submission (Idempotency-Key)")
async def create_response(round_id: RecordIdPath, data: ResponseIn, responses: ResponseWriter, session: Session,
                          caller: AnsweringCaller, request: Request,
                          idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await responses.create(round_id, data)
        return stored(request, answer, status=201, path=f"/rounds/{round_id}/responses/{answer.respondent_id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("/{respondent_id}", summary="One organisation's response",
            responses=NOT_MODIFIED)
async def get_response(round_id: RecordIdPath, respondent_id: RecordIdPath, responses: Responses,
                       request: Request, response: Response) -> ResponseOut:
    """The ETag names the response's revision and its reviews: send it in If-Match to change the response."""
    answer = await responses.read(round_id, respondent_id)
    etag = etag_of(answer)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged  # type: ignore[return-value]
    response.headers["ETag"] = etag
    return answer


@router.put("/{respondent_id}", responses=problem_responses(409, 412, 428),
            summary="Resume a draft, submit it, or amend a submission while the round is open (If-Match required)")
async def update_response(round_id: RecordIdPath, respondent_id: RecordIdPath, data: ResponseUpdate,
                          responses: ResponseWriter, response: Response, if_match: IfMatch = None) -> ResponseOut:
    answer = await responses.update(round_id, respondent_id, data, if_match)
    response.headers["ETag"] = etag_of(answer)
    return answer


@router.get("/{respondent_id}/history", summary="Every saved state of a response, oldest first")
async def get_response_history(round_id: RecordIdPath, respondent_id: RecordIdPath, responses: Responses) -> HistoryOut:
    return await responses.history(round_id, respondent_id)


@router.post("/{respondent_id}/review", responses=problem_responses(409),
             summary="Review a submitted response: received, has_issues or approved, with a comment")
async def review_response(round_id: RecordIdPath, respondent_id: RecordIdPath, data: ReviewIn,
                          responses: Reviewer) -> ResponseOut:
    return await responses.review(round_id, respondent_id, data)
