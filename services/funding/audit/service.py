"""Reading funding's audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county: shared.authorization's read scope), national administrators and the
dashboard read every event. `trail` gives the services that change records the trail to record in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.audit.models import AuditEvent
from services.funding.audit.presenter import event_out
from services.funding.audit.repository import AuditRepository
from services.funding.audit.schemas import AuditEventOut
from shared.audit import AuditTrail
from shared.audit_reads import read_trail
from shared.identity import Principal
from shared.pagination import Page, PageRequest


def trail(session: AsyncSession, caller: Principal) -> AuditTrail:
    """Funding's audit trail in the request's session: an event commits and rolls back with its change."""
    return AuditTrail(session, caller, AuditEvent)


class AuditService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.repository = AuditRepository(session)

    async def search(self, *, entity_type: str | None, entity_id: str | None, actor: str | None,
                     paging: PageRequest) -> Page[AuditEventOut]:
        return await read_trail(self.repository, self.caller, paging, lambda rows: [event_out(r) for r in rows],
                                entity_type=entity_type, entity_id=entity_id, actor=actor)
