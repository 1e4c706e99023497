"""Reading surveys' audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county: shared.authorization's read scope), national administrators and the
dashboard read every event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.audit.presenter import event_out
from services.surveys.audit.repository import AuditRepository
from services.surveys.audit.schemas import AuditEventOut
from shared.audit_reads import read_trail
from shared.identity import Principal
from shared.pagination import Page, PageRequest


class AuditService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.repository = AuditRepository(session)

    async def search(self, *, entity_type: str | None, entity_id: str | None, actor: str | None,
                     paging: PageRequest) -> Page[AuditEventOut]:
        return await read_trail(self.repository, self.caller, paging, lambda rows: [event_out(r) for r in rows],
                                entity_type=entity_type, entity_id=entity_id, actor=actor)
