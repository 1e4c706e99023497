from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from services.actors.audit.models import AuditEvent
from services.actors.audit.schemas import AuditEventOut
from services.actors.audit.visibility import event_out, readable_by
from shared.database import Session
from shared.identity import Caller
from shared.pagination import Page, Paging, count_rows
from shared.problems import problem_responses

router = APIRouter(tags=["audit"], responses=problem_responses(401, 422))

EntityType = Annotated[str | None, Query(pattern="^(organisation|relation|person|post|membership)$",
                                         description="Only changes to this kind of record.")]


@router.get("/audit", summary="The audit trail: every change, who made it, before and after",
            description="A county system reads its own county's records' events; names, e-mail and phone in the "
                        "snapshots are shown to the register's keepers only (see the people rule).")
async def list_audit_events(session: Session, caller: Caller, paging: Paging, entity_type: EntityType = None,
                            entity_id: Annotated[str | None, Query(max_length=100)] = None,
                            actor: Annotated[str | None, Query(max_length=100)] = None) -> Page[AuditEventOut]:
    query = readable_by(select(AuditEvent), caller)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    count = await count_rows(session, query)
    if (after := paging.after_key(int)) is not None:
        query = query.where(AuditEvent.id > after)
    rows = (await session.scalars(query.order_by(AuditEvent.id).limit(paging.limit + 1))).all()
    return paging.page([event_out(r, caller) for r in rows], count=count, sort_key=lambda e: [e.id])
