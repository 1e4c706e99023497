"""The migration that gives a submission its own effective day: a response submitted before it took effect on the
Swedish day it was recorded, and its submitted revisions carry that day; a draft has none."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from services.surveys import SERVICE_DIR
from shared.database import create_engine
from shared.migrations import downgrade, upgrade

NOW = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Sweden


async def _insert(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO questionnaire_versions (questionnaire_id, version, status, title, description, items, "
            "created_at, created_by) VALUES ('enkat', 1, 'published', 'Enkät', '', '[]', :now, 'skr-admin')"),
            {"now": NOW})
        await conn.execute(sa.text(
            "INSERT INTO rounds (id, questionnaire_id, version, title, opens_on, closes_on, created_at, created_by) "
            "VALUES ('runda', 'enkat', 1, 'Runda', :opens, :closes, :now, 'skr-admin')"),
            {"opens": date(2026, 11, 1), "closes": date(2026, 12, 31), "now": NOW})
        for n, (respondent, status, submitted_at) in enumerate([("2080", "submitted", NOW), ("2081", "draft", None)],
                                                               start=1):
            await conn.execute(sa.text(
                "INSERT INTO responses (id, round_id, respondent_id, county_code, status, late, submitted_at, "
                "updated_at, revision) VALUES (:id, 'runda', :respondent, '20', :status, false, :submitted_at, "
                ":now, 1)"), {"id": n, "respondent": respondent, "status": status, "submitted_at": submitted_at,
                              "now": NOW})
            await conn.execute(sa.text(
                "INSERT INTO response_revisions (response_id, revision, status, late, answers, recorded_at, "
                "recorded_by) VALUES (:id, 1, :status, false, '{}', :now, 'county-20')"),
                {"id": n, "status": status, "now": NOW})
    await engine.dispose()


async def _read(url: str) -> dict[str, list]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        responses = (await conn.execute(sa.text("SELECT respondent_id, submitted_on FROM responses "
                                                "ORDER BY respondent_id"))).all()
        revisions = (await conn.execute(sa.text("SELECT response_id, submitted_on FROM response_revisions "
                                                "ORDER BY response_id"))).all()
    await engine.dispose()
    return {"responses": [tuple(r) for r in responses], "revisions": [tuple(r) for r in revisions]}


def _day(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) else value


def test_submitted_responses_take_effect_on_the_swedish_day_they_were_recorded(
        new_database_url: Callable[[str], str]):
    url = new_database_url("surveys")
    upgrade(SERVICE_DIR, url, "0003")
    asyncio.run(_insert(url))
    upgrade(SERVICE_DIR, url)
    found = asyncio.run(_read(url))
    assert [(r, _day(d)) for r, d in found["responses"]] == [("2080", date(2026, 12, 1)), ("2081", None)]
    assert [(r, _day(d)) for r, d in found["revisions"]] == [(1, date(2026, 12, 1)), (2, None)]
    downgrade(SERVICE_DIR, url, "0003")
    upgrade(SERVICE_DIR, url)
