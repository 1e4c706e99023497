from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from services.surveys.database import Base
from services.surveys.identifiers import AUDIT_ENTITY_ID_LENGTH
from shared.audit import AuditEventMixin


class AuditEvent(AuditEventMixin, Base):
    """Surveys' audit trail (shared.audit); `county_code` is the changed record's owning county: a response's
    respondent's county, none for questionnaires, rounds and reporting years."""

    __tablename__ = "audit_events"

    entity_id: Mapped[str] = mapped_column(String(AUDIT_ENTITY_ID_LENGTH), index=True)
