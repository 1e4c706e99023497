"""Validity periods: `valid_from` inclusive, `valid_to` exclusive (the first day something no longer holds).

A missing `valid_from` means "since before our records", a missing `valid_to` means "still valid". Half-open
periods make succession exact: a name that ends on 2019-11-27 and its successor that starts that day never both
hold, and never leave a gap.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from shared.problems import InvalidInput
from shared.strict_bodies import InputModel
from shared.text import Note


def _iso_day(value: Any) -> Any:
    """A day in a body is a YYYY-MM-DD string (or a date): the validator underneath would also take 0 as
    1970-01-01 (a Unix time) and a midnight timestamp as a day, which the OpenAPI document does not allow."""
    if isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise PydanticCustomError("date_format", "A day is a YYYY-MM-DD string, e.g. 2019-11-01.")


# A day in a request body, exactly as the document's `format: date` says.
Day = Annotated[date, BeforeValidator(_iso_day)]

AsOfQuery = Annotated[date | None, Query(description="Answer as the register stood on this date "
                                                     "(YYYY-MM-DD); today when left out.",
                                         examples=["2019-11-01"])]


def active_on(valid_from: Any, valid_to: Any, on: date) -> ColumnElement[bool]:
    """SQL condition: the period [valid_from, valid_to) contains `on`."""
    return and_(or_(valid_from.is_(None), valid_from <= on), or_(valid_to.is_(None), valid_to > on))


def last_day(valid_to: date) -> date:
    """The last day a period ending (exclusively) on `valid_to` holds; the calendar's first day stays itself."""
    return valid_to - timedelta(days=1) if valid_to > date.min else valid_to


def holds_on(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or valid_to > on)


def overlaps(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    starts_before_b_ends = b_to is None or a_from is None or a_from < b_to
    ends_after_b_starts = a_to is None or b_from is None or a_to > b_from
    return starts_before_b_ends and ends_after_b_starts


def check_period(valid_from: date | None, valid_to: date | None, *, prefix: str = "body") -> None:
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        raise InvalidInput.field(f"{prefix}.valid_to", "period_order",
                                 f"valid_to ({valid_to}) must be after valid_from ({valid_from}); "
                                 "valid_to is the first day the fact no longer holds.")


class PeriodIn(InputModel):
    """A validity period in a request body; its order (valid_to after valid_from) is checked by the service
    (check_period), naming the field."""

    valid_from: Day | None = Field(None, description="First day it holds (inclusive).")
    valid_to: Day | None = Field(None, description="First day it no longer holds (exclusive).")


class CloseIn(InputModel):
    """Ends a record on a day; it stays in the history."""

    valid_to: Day = Field(description="The first day the record no longer holds.")
    note: Note | None = Field(None, examples=["Wound down after the owners' decision"])
