from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.surveys.database import Base
from shared.records import utcnow


class Response(Base):
    """One respondent organisation's answers to one round: a draft, then submitted (and amended)."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("round_id", "respondent_id", name="uq_responses_respondent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    respondent_id: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str | None] = mapped_column(String(2), index=True)
    status: Mapped[str] = mapped_column(String(20))
    review_state: Mapped[str | None] = mapped_column(String(20))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the submission took effect (a Swedish day: today, or the day a national administrator gives, such as
    # a report sent on paper years ago) and when it was first recorded here (always the moment it was stored).
    submitted_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Its answers are read and written by ResponseRepository (answers_of, save): a save replaces ~70 rows in
    # one statement, which an ORM collection would flush object by object.


class Answer(Base):
    """One value of an answer: a multiple choice or a ranking has a row per chosen option (position = order)."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_link_id_option_code", "link_id", "option_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    link_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    option_code: Mapped[str | None] = mapped_column(String(64))
    number_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    text_value: Mapped[str | None] = mapped_column(Text)
    date_value: Mapped[date | None] = mapped_column(Date)


class ResponseRevision(Base):
    """The answers as they stood after each save: a response's history."""

    __tablename__ = "response_revisions"
    __table_args__ = (UniqueConstraint("response_id", "revision", name="uq_response_revisions_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    late: Mapped[bool] = mapped_column(Boolean)
    submitted_on: Mapped[date | None] = mapped_column(Date)  # the effective day this revision carried
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))


class ReviewComment(Base):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    review_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
