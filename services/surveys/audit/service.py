"""Reading surveys' audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county: shared.authorization's read scope), national administrators and the
dashboard read every event."""

from __future__ import annotations

from collections.abc import Sequence

from services.surveys.audit.models import AuditEvent
from services.surveys.audit.presenter import event_out
from services.surveys.audit.repository import AuditRepository
from services.surveys.audit.schemas import AuditEventOut
from shared.audit_reads import TrailReader


class AuditService(TrailReader[AuditEvent, AuditEventOut]):
    repository_class = AuditRepository

    def present(self, rows: Sequence[AuditEvent]) -> list[AuditEventOut]:
        return [event_out(r) for r in rows]
