from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.surveys.database import Base
from shared.records import utcnow


class ReportingYear(Base):
    """The counties' status reports on one year: a round of the status-report template, due on a date."""

    __tablename__ = "reporting_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), unique=True)
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
