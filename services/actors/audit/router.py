from typing import Annotated

from fastapi import APIRouter, Query

from services.actors.audit.schemas import AuditEventOut
from services.actors.audit.service import AuditService
from shared.identity import Caller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

AuditEvents = Annotated[AuditService, provided(AuditService, Caller)]

router = APIRouter(tags=["audit"], responses=problem_responses(401, 422))

EntityType = Annotated[str | None, Query(
    pattern="^(organisation|relation|person|post|membership|population_basis)$",
    description="Only changes to this kind of record.")]


@router.get("/audit", summary="The audit trail: every change, who made it, before and after",
            description="A county system reads its own county's records' events; names, e-mail and phone in the "
                        "snapshots are shown to the register's keepers only (see the people rule).")
async def list_audit_events(audit: AuditEvents, paging: Paging, entity_type: EntityType = None,
                            entity_id: Annotated[str | None, Query(max_length=100)] = None,
                            actor: Annotated[str | None, Query(max_length=100)] = None) -> Page[AuditEventOut]:
    return await audit.search(entity_type=entity_type, entity_id=entity_id, actor=actor, paging=paging)
