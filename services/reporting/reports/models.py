from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.database import Base
from shared.records import utcnow


class ReportVersion(Base):
    """One version of a year's annual report: its whole document as JSON text, never changed once stored."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("year", "version", name="uq_report_versions_year_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(80))
    empty: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[str] = mapped_column(Text)
