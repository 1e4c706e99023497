"""Surveys' audit trail through the gateway: a response submitted by its respondent and reviewed by its county
shows who did what; a county system reads its own county's responses' events and not another county's, the
national level and the dashboard read every event, a respondent key reads none."""

from __future__ import annotations

import pytest

from tests.support import assert_problem
from tests.surveys_requests import answer, needs_answers, open_round

FALUN, SOLNA = "2080", "0184"


@pytest.fixture(scope="module")
def stockholm_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["county-01"]}


@pytest.fixture(scope="module")
def falun_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["municipality-2080"]}


def subject(gateway, headers: dict[str, str]) -> str:
    return gateway.get("/whoami", headers=headers).json()["subject"]


def trail(gateway, headers: dict[str, str], **params: str) -> list[dict]:
    found = gateway.get("/surveys/audit", headers=headers, params={"limit": 100, **params})
    assert found.status_code == 200, found.text
    return found.json()["items"]


def test_a_submitted_and_reviewed_response_shows_who_did_what_to_its_own_county(
        gateway, admin_key, county_key, stockholm_key, falun_key, dashboard_key):
    round_ = open_round(gateway, admin_key, organisation_ids=[FALUN, SOLNA])
    url = f"/surveys/rounds/{round_['id']}/responses"
    submitted = answer(gateway, falun_key, round_["id"], FALUN, needs_answers(1))
    assert submitted.status_code == 201, submitted.text
    reviewed = gateway.post(f"{url}/{FALUN}/review", headers=county_key,
                            json={"state": "has_issues", "comment": "Underskrift saknas"})
    assert reviewed.status_code == 200, reviewed.text
    solna = answer(gateway, stockholm_key, round_["id"], SOLNA, needs_answers(2))
    assert solna.status_code == 201, solna.text

    falun_response, solna_response = f"{round_['id']}/{FALUN}", f"{round_['id']}/{SOLNA}"
    events = trail(gateway, county_key, entity_type="response", entity_id=falun_response)
    assert [(e["actor"], e["action"], e["county_code"]) for e in events] == [
        (subject(gateway, falun_key), "submit", "20"), (subject(gateway, county_key), "review", "20")]
    submit, review = events
    assert submit["before"] is None and submit["after"]["status"] == "submitted"
    assert submit["after"]["submitted_on"] == submitted.json()["submitted_on"]
    assert (review["before"]["review_state"], review["after"]["review_state"]) == ("received", "has_issues")
    # The answers and the reviewer's comment stay with the response, out of the trail.
    assert "answers" not in submit["after"] and "Underskrift saknas" not in str(review)

    assert trail(gateway, county_key, entity_type="response", entity_id=solna_response) == []
    mine = trail(gateway, county_key, entity_type="response")
    assert {e["county_code"] for e in mine} == {"20"} and falun_response in {e["entity_id"] for e in mine}
    stockholms = trail(gateway, stockholm_key, entity_type="response", entity_id=solna_response)
    assert [(e["action"], e["county_code"]) for e in stockholms] == [("submit", "01")]
    assert trail(gateway, stockholm_key, entity_type="response", entity_id=falun_response) == []

    for national in (admin_key, dashboard_key):
        assert len(trail(gateway, national, entity_type="response", entity_id=falun_response)) == 2
        opened = trail(gateway, national, entity_type="round", entity_id=round_["id"])
        assert [(e["actor"], e["action"], e["county_code"], e["after"]["targets"]) for e in opened] == [
            (subject(gateway, admin_key), "open", None, 2)]
    assert trail(gateway, county_key, entity_type="round", entity_id=round_["id"]) == []


def test_a_respondent_key_reads_no_trail_and_the_filters_are_checked(gateway, falun_key, county_key):
    assert_problem(gateway.get("/surveys/audit", headers=falun_key), 403)
    assert_problem(gateway.get("/surveys/audit"), 401)
    assert_problem(gateway.get("/surveys/audit", headers=county_key, params={"entity_type": "person"}), 422,
                   field="query.entity_type")


def test_the_trail_is_documented(gateway):
    operation = gateway.get("/openapi.json").json()["paths"]["/surveys/audit"]["get"]
    assert operation["operationId"] == "listSurveyAuditEvents"
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"entity_type", "entity_id", "actor", "limit", "cursor"}
