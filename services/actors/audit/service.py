"""Reading the audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county, shared.authorization's read scope); how much of a person an event shows is
the presenter's rule, on the managing county of each person an event carries (read here, one query a page)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.audit.presenter import event_out, people_named
from services.actors.audit.repository import AuditRepository
from services.actors.audit.schemas import AuditEventOut
from services.actors.people.repository import PersonRepository
from shared.audit_reads import read_trail
from shared.identity import Principal
from shared.pagination import Page, PageRequest


class AuditService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.repository = AuditRepository(session)
        self.people = PersonRepository(session)

    async def search(self, *, entity_type: str | None, entity_id: str | None, actor: str | None,
                     paging: PageRequest) -> Page[AuditEventOut]:
        async def present(rows: Sequence[AuditEvent]) -> list[AuditEventOut]:
            managed_by = await self.people.managed_by(set(people_named(rows)))
            return [event_out(r, self.caller, managed_by) for r in rows]

        return await read_trail(self.repository, self.caller, paging, present, entity_type=entity_type,
                                entity_id=entity_id, actor=actor)
