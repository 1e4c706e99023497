"""Surveys' rules, called in-process on the services with a caller (no HTTP), each test in a transaction rolled
back at its end (services/surveys/tests/conftest.py): a round's targets as each caller sees them, answers to a
closed round, one response per respondent, reviews, the aggregates and their small-number suppression, a
reporting year opened again, and the audit trail of a response.

A round's targets come from the actor registry, another service reached over HTTP: here they come from a
stand-in with the registry client's interface (services/surveys/tests/registry_fake.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.service import Aggregates
from services.surveys.audit.service import AuditService
from services.surveys.questionnaires.schemas import QuestionnaireIn
from services.surveys.questionnaires.service import QuestionnaireService
from services.surveys.reports.schemas import ReportingYearIn
from services.surveys.reports.service import StatusReports
from services.surveys.responses.schemas import ResponseIn, ResponseUpdate, ReviewIn, ReviewState
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.schemas import RoundIn, RoundOut, TargetSetIn
from services.surveys.rounds.service import RoundService
from services.surveys.tests.registry_fake import FakeRegistry
from shared.identity import Principal, Role
from shared.pagination import PageRequest
from shared.problems import Conflict

pytestmark = pytest.mark.anyio

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
DALARNA = Principal(subject="county-20", role=Role.COUNTY, county_code="20")
STOCKHOLM = Principal(subject="county-01", role=Role.COUNTY, county_code="01")
FALUN = Principal(subject="organisation:2080", role=Role.RESPONDENT)
QUESTIONNAIRE = "regelprov"
LEVELS = ["lokal", "regional", "nationell"]
FIRST_PAGE = PageRequest(None, 50, None)  # type: ignore[arg-type]  # no request: a page without a next one


async def _questionnaire(session: AsyncSession) -> None:
    questionnaires = QuestionnaireService(session, ADMIN)
    await questionnaires.create(QuestionnaireIn.model_validate({
        "id": QUESTIONNAIRE, "title": "Regelprov", "items": [
            {"link_id": "angelagenhet", "text": "Hur angeläget?", "type": "scale", "required": True,
             "min_value": 1, "max_value": 5},
            {"link_id": "niva", "text": "Vilken nivå?", "type": "single_choice", "code_list": "nivaer"}]}))
    await questionnaires.publish(QUESTIONNAIRE, 1)


async def _round(session: AsyncSession, *, targets: TargetSetIn | None = None, round_id: str = "regelrunda",
                 closed: bool = False) -> RoundOut:
    await _questionnaire(session)
    rounds = RoundService(session, ADMIN, FakeRegistry())  # type: ignore[arg-type]
    round_, created = await rounds.create(RoundIn(
        id=round_id, questionnaire_id=QUESTIONNAIRE, version=1, title="Regelrunda",
        opens_on=date.today() - timedelta(days=10), closes_on=date(2099, 12, 31),
        targets=targets or TargetSetIn(kind="municipality")))
    assert created
    return await rounds.close(round_id) if closed else round_


def _answers(n: int) -> dict[str, Any]:
    return {"angelagenhet": n % 5 + 1, "niva": LEVELS[n % 3]}


async def test_a_county_reads_its_own_county_s_targets_and_a_respondent_itself(session: AsyncSession) -> None:
    round_ = await _round(session)
    assert round_.targets == 5
    seen = {name: [t.organisation_id for t in await RoundService(session, caller).targets(round_.id)]
            for name, caller in (("nation", ADMIN), ("Dalarna", DALARNA), ("Stockholm", STOCKHOLM),
                                 ("Falun", FALUN))}
    assert seen == {"nation": ["0184", "2080", "2081", "2082", "2083"], "Dalarna": ["2080", "2081", "2082", "2083"],
                    "Stockholm": ["0184"], "Falun": ["2080"]}


async def test_a_closed_round_is_answered_by_the_national_level_only_and_flagged_late(session: AsyncSession) -> None:
    round_ = await _round(session, closed=True)
    assert round_.status == "closed"
    with pytest.raises(Conflict) as refused:
        await ResponseService(session, DALARNA).create(round_.id, ResponseIn(respondent_id="2080",
                                                                             answers=_answers(0), submit=True))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("round", "round_open")]
    late = await ResponseService(session, ADMIN).create(round_.id, ResponseIn(respondent_id="2080",
                                                                              answers=_answers(0), submit=True))
    assert (late.status, late.late, late.county_code) == ("submitted", True, "20")


async def test_a_second_response_of_one_respondent_conflicts(session: AsyncSession) -> None:
    round_ = await _round(session)
    responses = ResponseService(session, DALARNA)
    first = await responses.create(round_.id, ResponseIn(respondent_id="2081", answers=_answers(1), submit=True))
    assert (first.status, first.late) == ("submitted", False)
    with pytest.raises(Conflict) as refused:
        await responses.create(round_.id, ResponseIn(respondent_id="2081", answers=_answers(2)))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("body.respondent_id",
                                                                  "one_response_per_respondent")]
    assert (await responses.read(round_.id, "2081")).answers == _answers(1)


async def test_only_a_submitted_response_is_reviewed(session: AsyncSession) -> None:
    round_ = await _round(session)
    responses = ResponseService(session, DALARNA)
    await responses.create(round_.id, ResponseIn(respondent_id="2082", answers={"angelagenhet": 2}))
    with pytest.raises(Conflict) as refused:
        await responses.review(round_.id, "2082", ReviewIn(state=ReviewState.APPROVED))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("status", "review_submitted")]
    await responses.update(round_.id, "2082", ResponseUpdate(answers=_answers(2), submit=True), "*")
    reviewed = await responses.review(round_.id, "2082", ReviewIn(state=ReviewState.APPROVED, comment="Tack"))
    assert reviewed.review_state == "approved"
    assert [(c.review_state, c.comment, c.recorded_by) for c in reviewed.comments] == [
        ("approved", "Tack", "county-20")]


async def test_a_response_s_audit_trail_says_who_did_what_and_is_read_by_its_county(session: AsyncSession) -> None:
    round_ = await _round(session)
    await ResponseService(session, FALUN).create(round_.id, ResponseIn(respondent_id="2080", answers=_answers(0),
                                                                       submit=True))
    await ResponseService(session, DALARNA).review(round_.id, "2080", ReviewIn(state=ReviewState.HAS_ISSUES,
                                                                               comment="Saknar underskrift"))

    async def trail(caller: Principal) -> list[tuple[str, str, str | None, str | None]]:
        events = await AuditService(session, caller).search(entity_type="response", entity_id=f"{round_.id}/2080",
                                                            actor=None, paging=FIRST_PAGE)
        return [(e.actor, e.action, e.county_code, (e.after or {}).get("review_state")) for e in events.items]

    assert await trail(DALARNA) == [("organisation:2080", "submit", "20", "received"),
                                    ("county-20", "review", "20", "has_issues")]
    assert await trail(ADMIN) == await trail(DALARNA)
    assert await trail(STOCKHOLM) == []
    # A round belongs to no county: its events are read at the national level, not by a county system.
    opened = {name: [(e.actor, e.action, e.county_code) for e in (await AuditService(session, caller).search(
        entity_type="round", entity_id=round_.id, actor=None, paging=FIRST_PAGE)).items]
        for name, caller in (("nation", ADMIN), ("Dalarna", DALARNA))}
    assert opened == {"nation": [("skr-admin", "open", None)], "Dalarna": []}


async def test_aggregates_count_the_submitted_and_withhold_small_groups(session: AsyncSession) -> None:
    """Three of Dalarna's municipalities and Solna submit, Säter keeps a draft: with groups of at least three,
    Stockholm reads Dalarna's figures and the nation's; Dalarna reads its own, but neither Stockholm's single
    answer nor the nation, which would show it."""
    round_ = await _round(session)
    for n, (caller, code) in enumerate([(FALUN, "2080"), (DALARNA, "2081"), (DALARNA, "2083"),
                                        (STOCKHOLM, "0184")]):
        await ResponseService(session, caller).create(round_.id, ResponseIn(respondent_id=code,
                                                                            answers=_answers(n), submit=True))
    await ResponseService(session, DALARNA).create(round_.id, ResponseIn(respondent_id="2082",
                                                                         answers={"angelagenhet": 5}))

    rates = await Aggregates(session, ADMIN, 3).rates(round_.id)
    assert (rates.nation.targets, rates.nation.submitted, rates.nation.share) == (5, 4, 0.8)
    assert [(r.county_code, r.targets, r.submitted) for r in rates.counties] == [("01", 1, 1), ("20", 4, 3)]

    def levels(table: Any) -> dict[str, int | None] | None:
        return None if table.suppressed else {
            v.value: v.count for item in table.items if item.link_id == "niva" for v in item.values}

    nation = await Aggregates(session, ADMIN, 3).distribution(round_.id, "20")
    assert (nation.nation.submitted, nation.county.submitted) == (4, 3)
    assert levels(nation.nation) == {"lokal": 2, "regional": 1, "nationell": 1}
    assert levels(nation.county) == {"lokal": 1, "regional": 1, "nationell": 1}

    stockholm = await Aggregates(session, STOCKHOLM, 3).distribution(round_.id, "20")
    assert levels(stockholm.nation) == levels(nation.nation) and levels(stockholm.county) == levels(nation.county)

    dalarna = await Aggregates(session, DALARNA, 3).distribution(round_.id, "01")
    assert dalarna.nation.suppressed and dalarna.nation.suppression.rule == "min_group_size"
    assert dalarna.county.suppressed and dalarna.county.suppression.rule == "min_group_size"
    assert all(v.count is None for item in dalarna.county.items for v in item.values)
    own = await Aggregates(session, DALARNA, 3).distribution(round_.id, "20")
    assert levels(own.county) == levels(nation.county)


async def test_a_reporting_year_opened_again_is_the_same_year_or_a_conflict(session: AsyncSession) -> None:
    registry = FakeRegistry()
    reports = StatusReports(session, ADMIN, registry)  # type: ignore[arg-type]
    asked = ReportingYearIn(year=2031, due_on=date(2032, 3, 31), opens_on=date(2032, 1, 1))
    opened, created = await reports.open_year(asked)
    assert created and (opened.round_id, opened.targets, opened.status) == ("lagesrapport-2031", 2, "scheduled")
    questions = len(registry.asked)

    again, created = await reports.open_year(asked)
    assert not created and again == opened
    assert len(registry.asked) == questions  # a retry asks the registry nothing
    with pytest.raises(Conflict) as refused:
        await reports.open_year(asked.model_copy(update={"due_on": date(2032, 4, 30)}))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("body.year", "one_reporting_year")]

    trail = await AuditService(session, ADMIN).search(entity_type="reporting_year", entity_id="2031", actor=None,
                                                      paging=FIRST_PAGE)
    assert [(e.action, e.after) for e in trail.items] == [
        ("open", {"year": 2031, "round_id": "lagesrapport-2031", "due_on": "2032-03-31"})]
