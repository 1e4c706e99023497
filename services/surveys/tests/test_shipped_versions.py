"""The shipped templates as versions: setup publishes the versions a database lacks, each as the questionnaire's
next version, never changes a stored one, and adds nothing when run again. In-process, on a migrated database
of the test backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from services.surveys import SERVICE_DIR
from services.surveys.codelists.service import load_code_lists
from services.surveys.questionnaires.schemas import QuestionnaireContent, items_of
from services.surveys.questionnaires.service import QuestionnaireService
from services.surveys.templates.shipped import SETUP, STATUS_REPORT, load_templates, needs_survey, status_report
from shared.database import create_engine, create_sessionmaker
from shared.identity import Principal, Role
from shared.migrations import upgrade

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)


def decision_types(items: list[Any]) -> tuple[str, str]:
    found = {i.link_id: i.type.value for i in items[2].items}
    return found["beslut.niva"], found["beslut.omfang"]


async def _run(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    seen: dict[str, Any] = {}
    try:
        async with sessions() as session:  # a database set up by the release that shipped version 1
            await load_code_lists(session)
            shipper = QuestionnaireService(session, SETUP)
            assert await shipper.ship([needs_survey()]) == 1 and await shipper.ship([status_report(1)]) == 1
            # A national administrator's own version 2 in between.
            admin = QuestionnaireService(session, ADMIN)
            own = status_report(1)
            await admin.new_version(STATUS_REPORT, QuestionnaireContent(
                title=own.title, description="Med en egen fråga.", items=own.items))
            await admin.publish(STATUS_REPORT, 2)
            await session.commit()
        async with sessions() as session:
            seen["loaded"] = await load_templates(session)
            seen["again"] = await load_templates(session)
            versions = await QuestionnaireService(session, ADMIN).repository.versions(STATUS_REPORT)
            seen["versions"] = [(v.version, v.status, v.created_by, v.description) for v in versions]
            seen["types"] = [decision_types(items_of(v.items)) for v in versions]
            await session.commit()
    finally:
        await engine.dispose()
    return seen


def test_setup_adds_the_shipped_versions_a_database_lacks(new_database_url: Callable[[str], str]):
    url = new_database_url("surveys")
    upgrade(SERVICE_DIR, url)
    seen = asyncio.run(_run(url))
    assert seen["loaded"] == {"questionnaires": 1} and seen["again"] == {"questionnaires": 0}
    assert [(v, status, by) for v, status, by, _ in seen["versions"]] == [
        (1, "published", SETUP.subject), (2, "published", ADMIN.subject), (3, "published", SETUP.subject)]
    assert seen["versions"][1][3] == "Med en egen fråga."  # the administrator's version is kept as it was
    assert seen["types"] == [("single_choice", "single_choice"), ("single_choice", "single_choice"),
                             ("multiple_choice", "multiple_choice")]
