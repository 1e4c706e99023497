from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.database import Base
from shared.records import utcnow


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Delivery(Base):
    """A version of a year's report on its way to SKR. Its id is the message id the receiver deduplicates on
    (annual-report-<year>-v<version>). `claimed_by` and `claimed_until`: the worker sending it now, so that two
    replicas never send the same attempt at once (a claim past its time is free again)."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("year", "version", name="uq_deliveries_year_version"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class DeliveryAttempt(Base):
    """One POST to SKR's endpoint and how it ended; never changed."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "attempt", name="uq_delivery_attempts_attempt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # delivered, retry or failed
    reason: Mapped[str] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScheduledRun(Base):
    """The yearly schedule's run for a year's report: claimed by one replica (the year is the key), done with the
    version it delivered, or failed and tried again after `retry_at`."""

    __tablename__ = "scheduled_runs"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    scheduled_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # running, done or failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(500))
