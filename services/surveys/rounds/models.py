from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.surveys.database import Base
from shared.records import utcnow


class Round(Base):
    """A published questionnaire version sent to a set of organisations, open between two dates."""

    __tablename__ = "rounds"
    __table_args__ = (ForeignKeyConstraint(["questionnaire_id", "version"], ["questionnaire_versions.questionnaire_id",
                                                                             "questionnaire_versions.version"]),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(1000))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class RoundTarget(Base):
    """One organisation a round was sent to, as the registry named it on the round's opening date."""

    __tablename__ = "round_targets"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    contact_point: Mapped[str | None] = mapped_column(String(300))
