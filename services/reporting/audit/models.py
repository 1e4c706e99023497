from services.reporting.database import Base
from shared.audit import AuditEventMixin


class AuditEvent(AuditEventMixin, Base):
    """Reporting's audit trail (shared.audit); `county_code` is the changed record's owning county: an activity's
    county, none for report versions, deliveries and national activities."""

    __tablename__ = "audit_events"
