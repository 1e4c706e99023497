from typing import Annotated

from fastapi import APIRouter, Query

from services.surveys.audit.schemas import AuditEventOut
from services.surveys.audit.service import AuditService
from services.surveys.identifiers import AUDIT_ENTITY_ID_LENGTH
from shared.identity import Caller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

# A respondent key answers its own surveys and reads no trail (Caller refuses it).
AuditEvents = Annotated[AuditService, provided(AuditService, Caller)]

router = APIRouter(tags=["audit"], responses=problem_responses(401, 403, 422))

EntityType = Annotated[str | None, Query(
    pattern="^(questionnaire|round|reporting_year|response)$", description="Only changes to this kind of record.")]


@router.get("/audit", summary="The audit trail: every change, who made it, before and after",
            description="A county system reads its own county's records' events (its respondents' responses); "
                        "national administrators and the dashboard read every event. A response's answers are "
                        "not in the trail (see its history).")
async def list_survey_audit_events(audit: AuditEvents, paging: Paging, entity_type: EntityType = None,
                            entity_id: Annotated[str | None, Query(max_length=AUDIT_ENTITY_ID_LENGTH)] = None,
                            actor: Annotated[str | None, Query(max_length=100)] = None) -> Page[AuditEventOut]:
    return await audit.search(entity_type=entity_type, entity_id=entity_id, actor=actor, paging=paging)
