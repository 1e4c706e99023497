from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.database import Base
from shared.records import utcnow


class RequisitionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"


class Requisition(Base):
    """A receiver's request for (part of) its allocated share."""

    __tablename__ = "requisitions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    allocation_share_id: Mapped[int] = mapped_column(ForeignKey("allocation_shares.id"), index=True)
    allocation_id: Mapped[str] = mapped_column(String(100))
    agreement_id: Mapped[str] = mapped_column(String(100), index=True)
    recipient_id: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    requisition_date: Mapped[date] = mapped_column(Date)  # the day it was requested (took effect)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    signed_by: Mapped[str | None] = mapped_column(String(100))  # a registry person holding a signatory post
    receiver_org_number: Mapped[str | None] = mapped_column(String(20))  # the payee's, on the requisition date
    payee_id: Mapped[str | None] = mapped_column(String(100))  # the receiver, or the legal entity it is part of
    payee_name: Mapped[str | None] = mapped_column(String(300))
    # The agency's decision (approved or rejected) and payment: the day each took effect and when it was recorded.
    # None: not yet, or made before the day was kept.
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
