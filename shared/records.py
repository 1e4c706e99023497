"""What every service's records carry: an id made when the caller sends none, a period of validity, and a row
version that backs ETag/If-Match.

- `new_record_id("org")` -> "org-3f9c0a7e12b44d5e": a prefix naming the kind of record and 16 random hex digits.
  Callers may choose their own ids instead (a retried create with the same id then stores nothing twice).
- `ValidityMixin`: `valid_from` inclusive, `valid_to` exclusive, both optional (shared.periods has the rules).
- `Timestamp`: a moment in an answer, always with its offset: SQLite hands a stored timestamp back without its
  zone, and every one was written in UTC (`utcnow`), so a naive value is read as UTC (`aware`).
- `VersionedMixin`: `version` counts committed changes and is the mapper's version_id_col, so an UPDATE carries
  "WHERE version = <the version read>" and two concurrent writers cannot both win; shared.etag turns it into
  the ETag and checks If-Match against it. A change to a child collection only (names, identifiers) must touch
  the row (`record.updated_at = utcnow()`) for the version to move.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import Date, DateTime, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """The moment with its offset: a naive one (as SQLite hands it back) is UTC, as every service wrote it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# A timestamp in an answer: ISO 8601 with its offset (`format: date-time`), whatever the database handed back.
Timestamp = Annotated[datetime, AfterValidator(aware)]


def new_record_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


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
