"""Dates and times as surveys answers them.

Every timestamp goes out with its offset: SQLite hands a stored timestamp back without its zone, and every one
was written in UTC. A day (a due date, the day a submission took effect) is a Swedish calendar day: a report sent
at 00:30 Swedish time on the day after its due date is late, though it is still the due date in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

SWEDEN = ZoneInfo("Europe/Stockholm")


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def swedish_day(moment: datetime) -> date:
    return aware(moment).astimezone(SWEDEN).date()


def swedish_today() -> date:
    return datetime.now(SWEDEN).date()


# A timestamp in an answer: ISO 8601 with its offset, whatever the database handed back.
Moment = Annotated[datetime, AfterValidator(aware)]
