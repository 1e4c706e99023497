from typing import Annotated

from fastapi import APIRouter, Request

from services.surveys.identifiers import RecordIdPath
from services.surveys.permissions import AnsweringCaller
from services.surveys.responses.schemas import HistoryOut, ResponseIn, ResponseOut, ResponseUpdate, ReviewIn
from services.surveys.responses.service import ResponseService
from shared.database import Session
from shared.idempotency import IdempotencyKey, once, stored
from shared.identity import KeyHolder, WritingCaller
from shared.problems import problem_responses
from shared.service_provider import provided

# Every key reads responses within its read scope (services.surveys.permissions): a respondent its own.
Responses = Annotated[ResponseService, provided(ResponseService, KeyHolder)]
ResponseWriter = Annotated[ResponseService, provided(ResponseService, AnsweringCaller)]
Reviewer = Annotated[ResponseService, provided(ResponseService, WritingCaller)]

router = APIRouter(prefix="/rounds/{round_id}/responses", tags=["responses"],
                   responses=problem_responses(401, 403, 404, 422))


@router.get("", summary="The responses the caller may read: its county's, its own, or all (national)")
async def list_responses(round_id: RecordIdPath, responses: Responses) -> list[ResponseOut]:
    return await responses.search(round_id)


@router.post("", status_code=201, response_model=ResponseOut, responses=problem_responses(409),
             summary="Answer a round for one organisation: a draft or a submission (Idempotency-Key)")
async def create_response(round_id: RecordIdPath, data: ResponseIn, responses: ResponseWriter, session: Session,
                          caller: AnsweringCaller, request: Request,
                          idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await responses.create(round_id, data)
        return stored(request, answer, status=201, path=f"/rounds/{round_id}/responses/{answer.respondent_id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("/{respondent_id}", summary="One organisation's response")
async def get_response(round_id: RecordIdPath, respondent_id: RecordIdPath, responses: Responses) -> ResponseOut:
    return await responses.read(round_id, respondent_id)


@router.put("/{respondent_id}", responses=problem_responses(409),
            summary="Resume a draft, submit it, or amend a submission while the round is open")
async def update_response(round_id: RecordIdPath, respondent_id: RecordIdPath, data: ResponseUpdate,
                          responses: ResponseWriter) -> ResponseOut:
    return await responses.update(round_id, respondent_id, data)


@router.get("/{respondent_id}/history", summary="Every saved state of a response, oldest first")
async def get_response_history(round_id: RecordIdPath, respondent_id: RecordIdPath, responses: Responses) -> HistoryOut:
    return await responses.history(round_id, respondent_id)


@router.post("/{respondent_id}/review", responses=problem_responses(409),
             summary="Review a submitted response: received, has_issues or approved, with a comment")
async def review_response(round_id: RecordIdPath, respondent_id: RecordIdPath, data: ReviewIn,
                          responses: Reviewer) -> ResponseOut:
    return await responses.review(round_id, respondent_id, data)
