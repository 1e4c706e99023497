"""All SQL of the audit trail's reads (events are written by shared.audit.AuditTrail, in the change's session)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.funding.audit.models import AuditEvent
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal


class AuditRepository(Repository[AuditEvent]):
    model = AuditEvent
    noun = "audit event"

    async def search(self, *, county_code: str | None, entity_type: str | None, entity_id: str | None,
                     actor: str | None, after: int | None, limit: int) -> tuple[Sequence[AuditEvent], int]:
        """`county_code`: only the events of that county's records (None: every county's)."""
        query = where_equal(select(AuditEvent), (AuditEvent.county_code, county_code),
                            (AuditEvent.entity_type, entity_type), (AuditEvent.entity_id, entity_id),
                            (AuditEvent.actor, actor))
        return await keyset_page(self.session, query, AuditEvent.id, after=after, limit=limit)
