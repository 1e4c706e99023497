from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.database import Base
from shared.records import utcnow


class Agreement(Base):
    """A state-SKR agreement: what the state pays for, in which areas and years."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    registry_number: Mapped[str] = mapped_column(String(100))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    areas: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list["FundingLine"]] = relationship(back_populates="agreement", lazy="selectin",
                                                      order_by="FundingLine.year, FundingLine.area")


class FundingLine(Base):
    """An amount for one area and year of an agreement, with its key and dates."""

    __tablename__ = "funding_lines"
    __table_args__ = (UniqueConstraint("agreement_id", "area", "year", name="uq_funding_lines_area_year"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    area: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    total_ore: Mapped[int] = mapped_column(BigInteger)
    allocation_key: Mapped[str] = mapped_column(String(20))
    requisition_last_date: Mapped[date] = mapped_column(Date)
    report_due_date: Mapped[date] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text, default="")
    agreement: Mapped[Agreement] = relationship(back_populates="lines")
