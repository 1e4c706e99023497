from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.database import Base
from shared.records import utcnow


class SpendingReport(Base):
    """A recipient's account of what it spent of one share it received; one per share."""

    __tablename__ = "spending_reports"
    __table_args__ = (UniqueConstraint("allocation_id", "recipient_id", name="uq_spending_reports_share"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    allocation_share_id: Mapped[int] = mapped_column(ForeignKey("allocation_shares.id"), index=True)
    allocation_id: Mapped[str] = mapped_column(String(100))
    agreement_id: Mapped[str] = mapped_column(String(100), index=True)
    recipient_id: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    received_ore: Mapped[int] = mapped_column(BigInteger)
    passed_on_ore: Mapped[int] = mapped_column(BigInteger)
    spent_ore: Mapped[int] = mapped_column(BigInteger)
    report_date: Mapped[date] = mapped_column(Date)  # the day it was reported (took effect)
    due_date: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class RepaymentClaim(Base):
    """Unspent money a recipient repays, citing the agreement's registry number; due with the report."""

    __tablename__ = "repayment_claims"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("spending_reports.id"), unique=True)
    agreement_id: Mapped[str] = mapped_column(String(100), index=True)
    registry_number: Mapped[str] = mapped_column(String(100))
    recipient_id: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    repaid_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    due_date: Mapped[date] = mapped_column(Date)
    claimed_on: Mapped[date | None] = mapped_column(Date)  # its report's day; None: made before the day was kept
    version: Mapped[int] = mapped_column(Integer, default=1)


class Repayment(Base):
    """Money received back against a claim."""

    __tablename__ = "repayments"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("repayment_claims.id"), index=True)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)  # the day it was repaid (answered as repaid_on)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
