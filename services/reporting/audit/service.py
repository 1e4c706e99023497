"""Reading reporting's audit trail: a county system reads the events of its own county's activities only (each
event stores its record's owning county: shared.authorization's read scope), national administrators and the
dashboard read every event. `trail` gives the services that change records the trail to record in."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.audit.models import AuditEvent
from services.reporting.audit.presenter import event_out
from services.reporting.audit.repository import AuditRepository
from services.reporting.audit.schemas import AuditEventOut
from shared.audit import AuditTrail
from shared.audit_reads import TrailReader
from shared.identity import Principal


def trail(session: AsyncSession, caller: Principal) -> AuditTrail:
    """Reporting's audit trail in the session: an event commits and rolls back with its change."""
    return AuditTrail(session, caller, AuditEvent)


class AuditService(TrailReader[AuditEvent, AuditEventOut]):
    repository_class = AuditRepository

    def present(self, rows: Sequence[AuditEvent]) -> list[AuditEventOut]:
        return [event_out(r) for r in rows]
