from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from services.surveys.identifiers import QuestionnaireFilter, RecordIdPath
from services.surveys.questionnaires.schemas import (
    QuestionnaireContent,
    QuestionnaireIn,
    QuestionnaireOut,
    VersionSummary,
)
from services.surveys.questionnaires.service import QuestionnaireService, Status
from services.surveys.questionnaires.workbook import WorkbookReading
from services.surveys.questionnaires.workbook_file import WorkbookLimits
from shared.identity import KeyHolder, WritingCaller
from shared.isolated import Limits
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided
from shared.uploads import MULTIPART_FORM, file_part_schema, uploaded_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FHIR_JSON = "application/fhir+json"
WORKBOOK_BODY: dict[str, Any] = {"requestBody": {"required": True, "description": (
    "An XLSForm-style workbook (.xlsx): a 'survey' sheet (type, name = linkId, label, required, relevant, "
    "constraint, category), a 'choices' sheet (list_name, name, label) and a 'settings' sheet (form_title, "
    "description). Each broken rule is named as '<sheet> row <n>.<column>'. A file that unpacks past the "
    "service's bounds, or needs more memory or time to read than a workbook may, is 413; one whose XML is "
    "malformed or declares a DTD or entities is 422. The file may also be sent as the body itself, with "
    "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (curl --data-binary); the "
    "document declares the form upload alone, which every client generator reads as one file parameter."),
    "content": {MULTIPART_FORM: file_part_schema("The workbook.")}}}


async def workbook_body(request: Request) -> bytes:
    """The workbook: the request body itself, or the form part `file` of a multipart upload; else 415."""
    return await uploaded_file(request, what="the workbook", media_types=(XLSX, "application/octet-stream"),
                               named_type=XLSX)


def workbook_reading(request: Request) -> WorkbookReading:
    """The bounds of reading an uploaded workbook, from the service's settings (SURVEYS_WORKBOOK_...)."""
    settings = request.app.state.settings
    return WorkbookReading(
        file=WorkbookLimits(member_bytes=settings.workbook_member_bytes, total_bytes=settings.workbook_total_bytes,
                            members=settings.workbook_members),
        process=Limits(memory_bytes=settings.workbook_read_memory_bytes, seconds=settings.workbook_read_seconds))


# Every key reads questionnaires: a respondent reads the one it answers.
Questionnaires = Annotated[QuestionnaireService, provided(QuestionnaireService, KeyHolder)]
QuestionnaireWriter = Annotated[QuestionnaireService, provided(QuestionnaireService, WritingCaller)]
VersionPath = Annotated[int, Path(ge=1, le=10_000)]

router = APIRouter(prefix="/questionnaires", tags=["questionnaires"], responses=problem_responses(401, 404, 422))


@router.get("", summary="Questionnaire versions with their status, a page at a time")
async def list_questionnaires(questionnaires: Questionnaires, paging: Paging, questionnaire: QuestionnaireFilter = None,
                              status: Annotated[Status | None, Query(description="Only versions in this "
                                                                                 "status")] = None
                              ) -> Page[VersionSummary]:
    return await questionnaires.search(questionnaire_id=questionnaire, status=status.value if status else None,
                                       paging=paging)


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


@router.post("/{questionnaire_id}/workbook", status_code=201, openapi_extra=WORKBOOK_BODY,
             responses=problem_responses(403, 409, 413, 415),
             summary="Import a questionnaire drafted in Excel: version 1 of a new questionnaire, or its next draft "
                     "version (national administrators)")
async def import_workbook(questionnaire_id: RecordIdPath, request: Request,
                          questionnaires: QuestionnaireWriter) -> QuestionnaireOut:
    return await questionnaires.import_workbook(questionnaire_id, await workbook_body(request),
                                                workbook_reading(request))


@router.put("/{questionnaire_id}/versions/{version}/workbook", openapi_extra=WORKBOOK_BODY,
            responses=problem_responses(403, 409, 413, 415),
            summary="Replace a draft with the content of a workbook")
async def replace_from_workbook(questionnaire_id: RecordIdPath, version: VersionPath, request: Request,
                                questionnaires: QuestionnaireWriter) -> QuestionnaireOut:
    return await questionnaires.replace_from_workbook(questionnaire_id, version, await workbook_body(request),
                                                      workbook_reading(request))


@router.get("/{questionnaire_id}/versions/{version}/workbook.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
            summary="A version as an XLSForm-style workbook (survey, choices, settings) to edit in Excel")
async def export_workbook(questionnaire_id: RecordIdPath, version: VersionPath,
                          questionnaires: Questionnaires) -> Response:
    return Response(await questionnaires.workbook(questionnaire_id, version), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{questionnaire_id}-v{version}.xlsx"'})


@router.get("/{questionnaire_id}/versions/{version}/fhir", response_class=JSONResponse,
            responses={200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}},
            summary="A version as a FHIR R4 Questionnaire resource (linkId, text, type, required, enableWhen, "
                    "answerOption)")
async def export_fhir(questionnaire_id: RecordIdPath, version: VersionPath,
                      questionnaires: Questionnaires) -> JSONResponse:
    return JSONResponse(await questionnaires.fhir(questionnaire_id, version), media_type=FHIR_JSON)
