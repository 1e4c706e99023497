from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.surveys.identifiers import CountyFilter, QuestionnaireFilter, RecordIdPath
from services.surveys.rounds.schemas import NonRespondersOut, RoundIn, RoundOut, TargetOut
from services.surveys.rounds.service import RoundService
from shared.identity import Caller, KeyHolder, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_client import Platform
from shared.service_provider import provided

Rounds = Annotated[RoundService, provided(RoundService, Caller)]
# The rounds themselves are read by every key: a respondent finds the round it answers, and itself among its
# targets (RoundService.targets reads within the caller's scope).
RoundsToAnswer = Annotated[RoundService, provided(RoundService, KeyHolder)]
RoundWriter = Annotated[RoundService, provided(RoundService, WritingCaller, Platform)]
CountyQuery = Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="One county's organisations")]

router = APIRouter(prefix="/rounds", tags=["rounds"], responses=problem_responses(401, 404, 422))


@router.get("", summary="Rounds with their status and number of targets, a page at a time")
async def list_rounds(rounds: RoundsToAnswer, paging: Paging, questionnaire: QuestionnaireFilter = None,
                      status: Annotated[Literal["scheduled", "open", "closed"] | None,
                                        Query(description="Only rounds with this status today")] = None,
                      year: Annotated[int | None, Query(ge=2000, le=2100,
                                                        description="Only rounds opened in this year")] = None
                      ) -> Page[RoundOut]:
    return await rounds.search(questionnaire_id=questionnaire, status=status, year=year, paging=paging)


@router.post("", status_code=201, responses=problem_responses(403, 409, 503),
             summary="Send a published questionnaire version to a target set read from the actor registry as of "
                     "the opening date (national administrators)")
async def create_round(data: RoundIn, rounds: RoundWriter, response: Response) -> RoundOut:
    round_, created = await rounds.create(data)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/surveys/rounds/{round_.id}"
    return round_


@router.get("/{round_id}", summary="One round")
async def get_round(round_id: RecordIdPath, rounds: RoundsToAnswer) -> RoundOut:
    return await rounds.read(round_id)


@router.get("/{round_id}/targets", summary="The organisations the round was sent to, named as the registry named "
                                            "them on the opening date (a county: its own)")
async def get_targets(round_id: RecordIdPath, rounds: RoundsToAnswer, paging: Paging,
                      county: CountyFilter = None) -> Page[TargetOut]:
    return await rounds.targets_page(round_id, county, paging)


@router.post("/{round_id}/close", responses=problem_responses(403),
             summary="Close a round: later submissions only by a national administrator, flagged late")
async def close_round(round_id: RecordIdPath, rounds: RoundWriter) -> RoundOut:
    return await rounds.close(round_id)


@router.get("/{round_id}/non-responders", summary="Who has not submitted, per county, with each organisation's "
                                                  "contact point for reminders")
async def get_non_responders(round_id: RecordIdPath, rounds: Rounds, county: CountyQuery = None) -> NonRespondersOut:
    return await rounds.non_responders(round_id, county)
