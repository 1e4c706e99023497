"""Columns every registry record shares: its period of validity and its row version (the ETag)."""

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Date, DateTime, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ValidityMixin:
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class VersionedMixin:
    """`version` counts changes; a write must name the version it read (If-Match) or gets 412."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # The UPDATE carries "WHERE version = <read version>": two concurrent writers cannot both win.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
