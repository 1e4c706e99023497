"""A round's status on a day: scheduled before it opens, open from its opening date through its closing date,
closed after that or once a national administrator closed it."""

from __future__ import annotations

from datetime import date

from services.surveys.rounds.models import Round


def round_status(round_: Round, today: date | None = None) -> str:
    today = today or date.today()
    if round_.closed_at is not None or today > round_.closes_on:
        return "closed"
    return "open" if today >= round_.opens_on else "scheduled"
