"""Reading the audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county, shared.authorization's read scope); how much of a person an event shows is
the presenter's rule, on the managing county of each person an event carries (read here, one query a page)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.presenter import event_out, people_named
from services.actors.audit.repository import AuditRepository
from services.actors.audit.schemas import AuditEventOut
from services.actors.people.repository import PersonRepository
from shared.authorization import county_read_scope
from shared.identity import Principal
from shared.pagination import Page, PageRequest


class AuditService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.repository = AuditRepository(session)
        self.people = PersonRepository(session)

    async def search(self, *, entity_type: str | None, entity_id: str | None, actor: str | None,
                     paging: PageRequest) -> Page[AuditEventOut]:
        rows, count = await self.repository.search(county_code=county_read_scope(self.caller),
                                                   entity_type=entity_type, entity_id=entity_id, actor=actor,
                                                   after=paging.after_key(int), limit=paging.limit + 1)
        managed_by = await self.people.managed_by(set(people_named(rows)))
        return paging.page([event_out(r, self.caller, managed_by) for r in rows], count=count,
                           sort_key=lambda e: [e.id])
