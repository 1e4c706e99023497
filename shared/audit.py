"""The audit trail: who changed what, when, from what to what, recorded in the same transaction as the change.

Each service keeps its own trail in its own database: it maps one table with `AuditEventMixin` and gives the
model to `AuditTrail`:

    class AuditEvent(AuditEventMixin, Base):
        __tablename__ = "audit_events"

    audit = AuditTrail(session, caller, AuditEvent)
    audit.record("create", "agreement", agreement.id, county="20", after=snapshot)

A recorded event is part of the request's transaction: it is committed with the change and rolled back with
it, so there is no change without its event and no event of a change that did not happen. The request id bound
to the request's log lines (shared.logging) is stored with each event.

`redact` replaces the snapshots of one record's events (a person's erasure): the events stay, saying that the
record changed and who changed it, but no longer what it held. Who may read which events, and how much of a
snapshot they see, is the service's own rule (actors: services/actors/audit/service.py and presenter.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import JSON, DateTime, Integer, String, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.identity import Principal
from shared.records import utcnow


class AuditEventMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    # The record's owning county after the change (shared.authorization); a county system reads its own only.
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(128))


class AuditTrail:
    def __init__(self, session: AsyncSession, caller: Principal, events: type[AuditEventMixin]) -> None:
        self.session = session
        self.caller = caller
        self.events = events

    def record(self, action: str, entity_type: str, entity_id: str, *, county: str | None,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        """`county`: the record's owning county after the change, which decides who may read the event."""
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        self.session.add(self.events(actor=self.caller.subject, action=action,  # type: ignore[call-arg]
                                     entity_type=entity_type, entity_id=entity_id, county_code=county,
                                     before=before, after=after, request_id=request_id))

    def rows(self, action: str, entity_type: str, events: Iterable[tuple[str, str | None, dict[str, Any] | None]],
             *, at: datetime | None = None) -> list[dict[str, Any]]:
        """The events `record` would add, one per (entity id, county, after), as rows for one multi-row INSERT
        (a bulk import writes thousands at once; shared by both so an imported record's event is a POST's). `at`:
        the time they share (now when not given; an import gives every batch of a file the same)."""
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        at = at or utcnow()
        return [{"at": at, "actor": self.caller.subject, "action": action, "entity_type": entity_type,
                 "entity_id": entity_id, "county_code": county, "before": None, "after": after,
                 "request_id": request_id} for entity_id, county, after in events]

    async def redact(self, entity_type: str, entity_id: str, replacement: dict[str, Any]) -> None:
        """Every event of the record keeps its who, when and what kind of change; `before` is emptied and
        `after` becomes `replacement`."""
        events = self.events
        await self.session.execute(
            update(events).where(events.entity_type == entity_type, events.entity_id == entity_id,
                                 or_(events.before.is_not(None), events.after.is_not(None)))
            .values(before=None, after=replacement))
