"""A round's target set comes from the actor registry, through the gateway, as of the round's opening date: by
kind (all 290 municipalities, all 24 RSS, one county's municipalities) or by id; an organisation the registry does
not have open that day is refused naming it; an unreachable registry makes the round 503 and stores nothing."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta

import httpx
import orjson

from shared.identity import Role
from tests.registry_helpers import create_organisation
from tests.support import assert_problem, identity_header, service_without_registry
from tests.surveys_requests import open_round, unique


def round_body(targets: dict, *, opens_on: str | None = None) -> dict:
    return {"id": unique("runda"), "questionnaire_id": "behovsinventering", "version": 1, "title": "Runda",
            "opens_on": opens_on or (date.today() - timedelta(days=1)).isoformat(), "closes_on": "2099-12-31",
            "targets": targets}


def test_all_290_municipalities_and_all_24_rss(gateway, admin_key):
    municipalities = open_round(gateway, admin_key, targets={"kind": "municipality"})
    assert municipalities["targets"] == 290
    listed = gateway.get(f"/surveys/rounds/{municipalities['id']}/targets?limit=500",
                         headers=admin_key).json()["items"]
    assert len(listed) == 290 and all(len(t["organisation_id"]) == 4 and t["name"] for t in listed)
    per_county = Counter(t["county_code"] for t in listed)
    assert (len(per_county), per_county["20"], per_county["01"]) == (21, 15, 26)

    rss = open_round(gateway, admin_key, targets={"kind": "rss"})
    assert rss["targets"] == 24
    listed = {t["organisation_id"]: t for t in gateway.get(f"/surveys/rounds/{rss['id']}/targets",
                                                           headers=admin_key).json()["items"]}
    assert {t["county_code"] for k, t in listed.items() if k.startswith("rss-14-")} == {"14"}
    missing = gateway.get(f"/surveys/rounds/{rss['id']}/non-responders", headers=admin_key).json()
    assert missing["targets"] == 24 and len(missing["counties"]) == 21


def test_a_county_sees_its_own_targets_only(gateway, admin_key, county_key, stack):
    round_ = open_round(gateway, admin_key, targets={"kind": "municipality"})
    mine = gateway.get(f"/surveys/rounds/{round_['id']}/targets", headers=county_key).json()["items"]
    assert len(mine) == 15 and {t["county_code"] for t in mine} == {"20"}
    falun = gateway.get(f"/surveys/rounds/{round_['id']}/targets",
                        headers={"X-API-Key": stack.keys["municipality-2080"]}).json()["items"]
    assert [(t["organisation_id"], t["name"]) for t in falun] == [("2080", "Falun")]


def test_targets_are_read_as_of_the_opening_date(gateway, admin_key):
    opened = (date.today() + timedelta(days=30)).isoformat()
    unit = create_organisation(gateway, admin_key, name="FoU Exempeldalen", kind="rd_unit", county_code="20",
                               valid_from=opened)
    before = gateway.post("/surveys/rounds", headers=admin_key,
                          json=round_body({"organisation_ids": ["2080", unit["id"]]}))
    assert_problem(before, 422, field="body.targets.organisation_ids.1", rule="registered_organisation")
    body = round_body({"organisation_ids": ["2080", unit["id"]]}, opens_on=opened)
    created = gateway.post("/surveys/rounds", headers=admin_key, json=body)
    assert created.status_code == 201 and created.json()["status"] == "scheduled", created.text
    listed = gateway.get(f"/surveys/rounds/{body['id']}/targets", headers=admin_key).json()["items"]
    assert [(t["organisation_id"], t["name"], t["county_code"]) for t in listed] == [
        ("2080", "Falun", "20"), (unit["id"], "FoU Exempeldalen", "20")]


def test_organisations_the_registry_does_not_know_are_refused_and_nothing_is_stored(gateway, admin_key):
    body = round_body({"organisation_ids": ["2080", "2099", "rss-99", "2080"]})
    problem = assert_problem(gateway.post("/surveys/rounds", headers=admin_key, json=body), 422,
                             field="body.targets.organisation_ids.1", rule="registered_organisation")
    assert {(e["field"], e["rule"]) for e in problem["errors"]} == {
        ("body.targets.organisation_ids", "unique"),
        ("body.targets.organisation_ids.1", "registered_organisation"),
        ("body.targets.organisation_ids.2", "registered_organisation")}
    assert_problem(gateway.get(f"/surveys/rounds/{body['id']}", headers=admin_key), 404)
    assert_problem(gateway.post("/surveys/rounds", headers=admin_key,
                                json=round_body({"kind": "municipality", "county": "99"})), 422,
                   field="body.targets.county", rule="targets_found")
    assert_problem(gateway.post("/surveys/rounds", headers=admin_key,
                                json=round_body({"county": "20"})), 422)


def test_without_the_registry_a_round_answers_503_and_stores_nothing(stack, gateway, admin_key):
    body = round_body({"kind": "municipality", "county": "20"})
    with service_without_registry(stack, "surveys") as base:
        admin = identity_header(stack.secret, role=Role.NATIONAL_ADMIN, county=None, audience="surveys",
                                subject="skr-national-admin")
        refused = httpx.post(base + "/rounds", json=body, headers=admin)
        problem = assert_problem(refused, 503)
        assert "registry" in problem["detail"] and refused.headers["retry-after"]
        assert httpx.get(base + "/rounds", headers=admin).status_code == 200
    assert_problem(gateway.get(f"/surveys/rounds/{body['id']}", headers=admin_key), 404)


def registry_calls(stack, request_id: str) -> list[str]:
    """The paths the actor registry was asked for while the request with this id was handled (its access log)."""
    lines = stack.log_file("actors").read_text(encoding="utf-8").splitlines()
    return [entry["path"] for entry in map(orjson.loads, filter(None, lines))
            if entry.get("request_id") == request_id and entry.get("path")]


def test_many_unknown_organisations_cost_the_registry_a_few_questions_and_are_named(stack, gateway, admin_key):
    unknown = [f"unknown-organisation-{i:03d}" for i in range(100)]
    request_id = unique("many-unknown-targets")
    answer = gateway.post("/surveys/rounds", json=round_body({"organisation_ids": ["rss-20", *unknown]}),
                          headers={**admin_key, "X-Request-ID": request_id})

    problem = assert_problem(answer, 422, field="body.targets.organisation_ids.1", rule="registered_organisation")
    named = {e["field"]: e["message"] for e in problem["errors"]}
    assert all(unknown[i] in named[f"body.targets.organisation_ids.{i + 1}"] for i in range(100))
    time.sleep(0.3)  # the registry's access log is written by another process
    calls = registry_calls(stack, request_id)
    assert 1 <= len(calls) <= 3 and set(calls) == {"/organisations"}, calls


def test_too_many_organisations_of_no_kind_are_refused_naming_the_limit_before_any_question(stack, gateway,
                                                                                            admin_key):
    request_id = unique("too-many-targets")
    answer = gateway.post("/surveys/rounds",
                          json=round_body({"organisation_ids": [f"organisation-{i:03d}" for i in range(101)]}),
                          headers={**admin_key, "X-Request-ID": request_id})

    problem = assert_problem(answer, 422, field="body.targets.organisation_ids", rule="others_at_most")
    assert problem["limit"] == 100 and "100" in problem["detail"]
    time.sleep(0.3)
    assert registry_calls(stack, request_id) == []
