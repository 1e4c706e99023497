"""Dates and times as surveys answers them.

Every timestamp goes out with its offset: the answers' timestamps are the platform's (shared.records.Timestamp),
a naive one read as UTC, in which every one was written. A day (a due date, the day a submission took effect) is
a Swedish calendar day: a report sent at 00:30 Swedish time on the day after its due date is late, though it is
still the due date in UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.records import aware

SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_day(moment: datetime) -> date:
    return aware(moment).astimezone(SWEDEN).date()


def swedish_today() -> date:
    return datetime.now(SWEDEN).date()
