from services.actors.database import Base
from shared.audit import AuditEventMixin


class AuditEvent(AuditEventMixin, Base):
    """The registry's audit trail (shared.audit); `county_code` is the changed record's owning county."""

    __tablename__ = "audit_events"
