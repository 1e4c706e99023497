"""How an audit event is shown: reporting's snapshots hold years, days, ids, titles and statuses, no personal
data, so every caller who may read an event reads all of it; which events a caller reads is the service's rule."""

from __future__ import annotations

from services.reporting.audit.models import AuditEvent
from services.reporting.audit.schemas import AuditEventOut


def event_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(id=event.id, at=event.at, actor=event.actor, action=event.action,
                         entity_type=event.entity_type, entity_id=event.entity_id, county_code=event.county_code,
                         before=event.before, after=event.after, request_id=event.request_id)
