from services.funding.database import Base
from shared.audit import AuditEventMixin


class AuditEvent(AuditEventMixin, Base):
    """Funding's audit trail (shared.audit); `county_code` is the changed record's owning county: a
    requisition's, spending report's, claim's and repayment's the share's county; an allocation's its shares'
    county when they are all of one (a distribution's always), none for a national allocation; a co-financing
    agreement's its county; none for agreements."""

    __tablename__ = "audit_events"
