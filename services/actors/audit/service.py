"""Reading the audit trail: a county system reads the events of its own county's records only (each event
stores its record's owning county, shared.authorization's read scope); how much of a person an event shows is
the presenter's rule, on the managing county of each person an event carries (read here, one query a page)."""

from __future__ import annotations

from collections.abc import Sequence

from services.actors.audit.models import AuditEvent
from services.actors.audit.presenter import event_out, people_named
from services.actors.audit.repository import AuditRepository
from services.actors.audit.schemas import AuditEventOut
from services.actors.people.repository import PersonRepository
from shared.audit_reads import TrailReader


class AuditService(TrailReader[AuditEvent, AuditEventOut]):
    repository_class = AuditRepository

    async def present(self, rows: Sequence[AuditEvent]) -> list[AuditEventOut]:
        """Each person an event names is shown by the contact rule, on the county that manages them (one query
        a page)."""
        managed_by = await PersonRepository(self.session).managed_by(set(people_named(rows)))
        return [event_out(r, self.caller, managed_by) for r in rows]
