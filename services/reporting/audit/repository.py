"""The audit trail's reads: the one query of every service (shared.audit_reads) on this service's table; events
are written by shared.audit.AuditTrail, in the change's session."""

from __future__ import annotations

from services.reporting.audit.models import AuditEvent
from shared.audit_reads import AuditEvents


class AuditRepository(AuditEvents[AuditEvent]):
    model = AuditEvent
