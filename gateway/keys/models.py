"""The key store's tables: one record per API key, and the audit trail of who made, rotated and revoked which."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import AuditEventMixin
from shared.database import service_metadata
from shared.records import utcnow


class Base(DeclarativeBase):
    metadata = service_metadata()


class ApiKey(Base):
    """An API key. Its secret is never stored: `sha256` is its hash, the column the gateway looks keys up by.

    `revoked_at` is when the key stops working: empty while it works, a past moment once revoked, a future one
    during a rotated key's grace period. `subject` is the caller the key signs in as (the services' audit trails
    and rate limits name it); a rotated key's successor keeps it, so the caller stays the same caller."""

    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(128), index=True)
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    county_code: Mapped[str | None] = mapped_column(String(2))
    # A respondent key's organisation (its subject is organisation:<id>).
    organisation_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    # The key this one replaced; a key is replaced at most once.
    rotated_from: Mapped[str | None] = mapped_column(ForeignKey("api_keys.key_id"), unique=True)


class KeyAuditEvent(AuditEventMixin, Base):
    """Who made, rotated, revoked or imported which key (shared.audit): entity `api_key`, the key's id, its
    record before and after (never a secret or its hash)."""

    __tablename__ = "key_audit_events"
