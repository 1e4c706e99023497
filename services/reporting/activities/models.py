from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.database import Base
from shared.records import utcnow


class Activity(Base):
    """An activity of one county (`county_code`) or a national one (none), naming the RSS and the national
    networks or bodies it involved by their registry ids."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    rss_ids: Mapped[list[str]] = mapped_column(JSON)
    network_ids: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
