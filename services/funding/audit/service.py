"""Reading funding's audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county: shared.authorization's read scope), national administrators and the
dashboard read every event. `trail` gives the services that change records the trail to record in."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.audit.models import AuditEvent
from services.funding.audit.presenter import event_out
from services.funding.audit.repository import AuditRepository
from services.funding.audit.schemas import AuditEventOut
from shared.audit import AuditTrail
from shared.audit_reads import TrailReader
from shared.identity import Principal


def trail(session: AsyncSession, caller: Principal) -> AuditTrail:
    """Funding's audit trail in the request's session: an event commits and rolls back with its change."""
    return AuditTrail(session, caller, AuditEvent)


class AuditService(TrailReader[AuditEvent, AuditEventOut]):
    repository_class = AuditRepository

    def present(self, rows: Sequence[AuditEvent]) -> list[AuditEventOut]:
        return [event_out(r) for r in rows]
