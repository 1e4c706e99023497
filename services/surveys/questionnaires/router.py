from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Response

from services.surveys.identifiers import RecordIdPath
from services.surveys.questionnaires.schemas import (
    QuestionnaireContent,
    QuestionnaireIn,
    QuestionnaireOut,
    VersionSummary,
)
from services.surveys.questionnaires.service import QuestionnaireService
from shared.database import Session
from shared.identity import Caller, WritingCaller
from shared.problems import problem_responses


async def reading(session: Session, caller: Caller) -> QuestionnaireService:
    return QuestionnaireService(session, caller)


async def writing(session: Session, caller: WritingCaller) -> QuestionnaireService:
    return QuestionnaireService(session, caller)


Questionnaires = Annotated[QuestionnaireService, Depends(reading)]
QuestionnaireWriter = Annotated[QuestionnaireService, Depends(writing)]
VersionPath = Annotated[int, Path(ge=1, le=10_000)]

router = APIRouter(prefix="/questionnaires", tags=["questionnaires"], responses=problem_responses(401, 404, 422))


@router.get("", summary="Every questionnaire version with its status")
async def list_questionnaires(questionnaires: Questionnaires) -> list[VersionSummary]:
    return await questionnaires.search()


@router.post("", status_code=201, responses=problem_responses(403, 409),
             summary="Author a questionnaire: version 1, a draft (national administrators)")
async def create_questionnaire(data: QuestionnaireIn, questionnaires: QuestionnaireWriter,
                               response: Response) -> QuestionnaireOut:
    created = await questionnaires.create(data)
    response.headers["Location"] = f"/surveys/questionnaires/{created.id}/versions/1"
    return created


@router.get("/{questionnaire_id}", summary="A questionnaire's latest version")
async def get_questionnaire(questionnaire_id: RecordIdPath, questionnaires: Questionnaires) -> QuestionnaireOut:
    return await questionnaires.read(questionnaire_id)


@router.post("/{questionnaire_id}/versions", status_code=201, responses=problem_responses(403, 409),
             summary="A new draft version: how a published questionnaire changes (national administrators)")
async def create_version(questionnaire_id: RecordIdPath, data: QuestionnaireContent,
                         questionnaires: QuestionnaireWriter) -> QuestionnaireOut:
    return await questionnaires.new_version(questionnaire_id, data)


@router.get("/{questionnaire_id}/versions/{version}", summary="One version of a questionnaire")
async def get_version(questionnaire_id: RecordIdPath, version: VersionPath,
                      questionnaires: Questionnaires) -> QuestionnaireOut:
    return await questionnaires.read(questionnaire_id, version)


@router.put("/{questionnaire_id}/versions/{version}", responses=problem_responses(403, 409),
            summary="Change a draft (a published version never changes)")
async def replace_version(questionnaire_id: RecordIdPath, version: VersionPath, data: QuestionnaireContent,
                          questionnaires: QuestionnaireWriter) -> QuestionnaireOut:
    return await questionnaires.replace_draft(questionnaire_id, version, data)


@router.post("/{questionnaire_id}/versions/{version}/{step}", responses=problem_responses(403, 409),
             summary="publish a draft (it becomes immutable) or retire a published version")
async def move_version(questionnaire_id: RecordIdPath, version: VersionPath,
                       step: Annotated[Literal["publish", "retire"], Path()],
                       questionnaires: QuestionnaireWriter) -> QuestionnaireOut:
    if step == "publish":
        return await questionnaires.publish(questionnaire_id, version)
    return await questionnaires.retire(questionnaire_id, version)
