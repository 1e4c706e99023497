from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.database import Base
from shared.records import utcnow


class Allocation(Base):
    """A saved split of (part of) a funding line among recipients, or an onward distribution: a split of one
    share of another allocation (its parent) within the share's county."""

    __tablename__ = "allocations"
    __table_args__ = (Index("ix_allocations_parent", "parent_allocation_id", "parent_recipient_id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    funding_line_id: Mapped[str] = mapped_column(ForeignKey("funding_lines.id"), index=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    total_ore: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(20))
    rounding: Mapped[str] = mapped_column(String(10))
    basis: Mapped[dict[str, Any]] = mapped_column(JSON)  # the key's basis: source and year of the weights
    parent_allocation_id: Mapped[str | None] = mapped_column(ForeignKey("allocations.id"))
    parent_recipient_id: Mapped[str | None] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2))  # a distribution's county
    allocated_on: Mapped[date | None] = mapped_column(Date)  # took effect; None: made before the day was kept
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    shares: Mapped[list["AllocationShare"]] = relationship(lazy="selectin", order_by="AllocationShare.position")


class AllocationShare(Base):
    """One recipient's row of an allocation: exact share, rounded amount, and the adjustment between them."""

    __tablename__ = "allocation_shares"
    __table_args__ = (UniqueConstraint("allocation_id", "recipient_id", name="uq_allocation_shares_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    allocation_id: Mapped[str] = mapped_column(ForeignKey("allocations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[str] = mapped_column(String(100))
    recipient_name: Mapped[str | None] = mapped_column(String(300))
    county_code: Mapped[str | None] = mapped_column(String(2))
    basis: Mapped[str] = mapped_column(String(20))
    weight: Mapped[str] = mapped_column(String(100))  # a fraction string
    exact: Mapped[str] = mapped_column(String(200))  # öre, a fraction string
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    adjustment: Mapped[str] = mapped_column(String(200))  # öre, a fraction string
    # A registry organisation's payee on the day the share was made: itself, or the legal entity it is part of
    payee_id: Mapped[str | None] = mapped_column(String(100))
    payee_name: Mapped[str | None] = mapped_column(String(300))
    payee_org_number: Mapped[str | None] = mapped_column(String(20))
