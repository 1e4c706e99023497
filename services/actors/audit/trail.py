"""Records each change in the same transaction as the change itself: no change without its audit event."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from shared.identity import Principal


class AuditTrail:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller

    def record(self, action: str, entity_type: str, entity_id: str, *, county: str | None,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        """`county`: the record's owning county after the change, which decides who may read the event."""
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        self.session.add(AuditEvent(actor=self.caller.subject, action=action, entity_type=entity_type,
                                    entity_id=entity_id, county_code=county, before=before, after=after,
                                    request_id=request_id))
