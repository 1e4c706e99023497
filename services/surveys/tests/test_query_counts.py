"""The number of SQL statements a request sends does not grow with its rows: the aggregates, the response list
and the export of a round of 15 respondents and of one of 290 (each beside its previous round), and a
submission of one answer and of every item. In-process (the service's code on a migrated database of the test
backend), counting every statement the driver executes; no timing (speed is measured by `make bench`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest

from services.surveys import SERVICE_DIR
from services.surveys.aggregation.service import Aggregates
from services.surveys.codelists.reference import LEVELS, PROCESSES
from services.surveys.codelists.service import load_code_lists
from services.surveys.exports.service import Exports
from services.surveys.questionnaires.schemas import QuestionnaireIn
from services.surveys.questionnaires.service import QuestionnaireService
from services.surveys.responses.schemas import ResponseIn, ResponseUpdate
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.models import Round, RoundTarget
from services.surveys.rounds.repository import RoundRepository
from shared.identity import Principal, Role
from shared.migrations import upgrade
from tests.query_counts import CountedDatabase

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
QUESTIONNAIRE = "antal-fragor"
COUNTIES = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
            "22", "23", "24", "25"]
MUNICIPALITIES = [f"{COUNTIES[i % 21]}{i // 21 + 10:02d}" for i in range(290)]
LEVEL_CODES, PROCESS_CODES = ["lokal", "regional", "nationell"], ["anvanda-kunskap", "sprida-kunskap"]


def questionnaire() -> QuestionnaireIn:
    items: list[dict[str, Any]] = []
    for n in range(4):
        items.append({"link_id": f"s{n}", "text": f"Hur angeläget är behov {n}?", "type": "scale",
                      "required": True, "min_value": 1, "max_value": 5})
        items.append({"link_id": f"v{n}", "text": f"Vilken nivå bör agera i fråga {n}?", "type": "single_choice",
                      "code_list": LEVELS})
        items.append({"link_id": f"m{n}", "text": f"Vilka processer i fråga {n}?", "type": "multiple_choice",
                      "code_list": PROCESSES})
        items.append({"link_id": f"n{n}", "text": f"Hur många berörs i fråga {n}?", "type": "integer",
                      "min_value": 0})
    return QuestionnaireIn.model_validate({"id": QUESTIONNAIRE, "title": "Räkna frågor", "items": items})


def every_answer(k: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for n in range(4):
        answers |= {f"s{n}": (k + n) % 5 + 1, f"v{n}": LEVEL_CODES[(k + n) % 3],
                    f"m{n}": PROCESS_CODES[: (k + n) % 2 + 1], f"n{n}": (k * 7 + n) % 40}
    return answers


async def _open(db: CountedDatabase, round_id: str, opens_on: date, respondents: list[str]) -> None:
    async def open_round(session: Any) -> None:
        await RoundRepository(session).add_with_targets(
            Round(id=round_id, questionnaire_id=QUESTIONNAIRE, version=1, title=round_id, opens_on=opens_on,
                  closes_on=date(2099, 12, 31), created_by=ADMIN.subject),
            [RoundTarget(round_id=round_id, organisation_id=code, name=f"Kommun {code}", county_code=code[:2])
             for code in respondents])
        responses = ResponseService(session, ADMIN)
        for k, code in enumerate(respondents):
            await responses.create(round_id, ResponseIn(respondent_id=code, answers=every_answer(k), submit=True))

    await db.count(open_round)


async def _counts(url: str) -> dict[str, list[int]]:
    db = CountedDatabase(url)
    counts: dict[str, list[int]] = {}
    today = date.today()
    try:
        async def author(session: Any) -> None:
            await load_code_lists(session)
            await QuestionnaireService(session, ADMIN).create(questionnaire())
            await QuestionnaireService(session, ADMIN).publish(QUESTIONNAIRE, 1)

        await db.count(author)
        await _open(db, "stor-forra", today - timedelta(days=30), MUNICIPALITIES)
        await _open(db, "stor", today - timedelta(days=20), MUNICIPALITIES)
        small = [code for code in MUNICIPALITIES if code.startswith("20")] + MUNICIPALITIES[:1]  # Dalarna's 14
        await _open(db, "liten", today - timedelta(days=10), small)
        reads: dict[str, Callable[[Any, str], Awaitable[Any]]] = {
            "distribution": lambda s, r: Aggregates(s, ADMIN).distribution(r, None),
            "distribution beside a county": lambda s, r: Aggregates(s, ADMIN).distribution(r, "20"),
            "needs": lambda s, r: Aggregates(s, ADMIN).needs(r, None),
            "response rates": lambda s, r: Aggregates(s, ADMIN).rates(r),
            "responses": lambda s, r: ResponseService(s, ADMIN).search(r),
            "responses export": lambda s, r: Exports(s, ADMIN).responses(r),
        }
        for name, read in reads.items():
            counts[name] = [await db.count(lambda s, r=round_id: read(s, r)) for round_id in ("liten", "stor")]
        counts["submission"] = [
            await db.count(lambda s, answers=answers: ResponseService(s, ADMIN).update(
                "stor", MUNICIPALITIES[0], ResponseUpdate(answers=answers), "*"))
            for answers in ({"s0": 3, "s1": 3, "s2": 3, "s3": 3}, every_answer(0))]
        async with db.sessions() as session:
            assert len(await ResponseService(session, ADMIN).search("stor")) == 290  # the data really is there
            assert len(await ResponseService(session, ADMIN).search("liten")) == 15
    finally:
        await db.engine.dispose()
    return counts


@pytest.fixture(scope="module")
def counts(new_database_url: Callable[[str], str]) -> dict[str, list[int]]:
    url = new_database_url("surveys")
    upgrade(SERVICE_DIR, url)
    return asyncio.run(_counts(url))


@pytest.mark.parametrize("what", ["distribution", "distribution beside a county", "needs", "response rates",
                                  "responses", "responses export", "submission"])
def test_statements_do_not_grow_with_the_rows(counts: dict[str, list[int]], what: str) -> None:
    small, large = counts[what]
    assert small == large, f"{what}: {small} statements for the small case, {large} for the large one"
    assert large <= 20, f"{what}: {large} statements"


def test_a_round_and_its_previous_one_are_counted_together(counts: dict[str, list[int]]) -> None:
    """Round, version and previous round, then four counts for both rounds: not four per round."""
    assert counts["distribution"][1] <= 7
