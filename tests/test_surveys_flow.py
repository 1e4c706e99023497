"""A needs survey through the gateway: a round sent to Dalarna's 15 municipalities (read from the actor registry by
kind and county) is answered (Falun by its own respondent key), followed up through each non-responder's contact
point, amended, closed, answered late by the national level, aggregated and exported."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from tests.funding_requests import DALARNA
from tests.support import assert_problem
from tests.surveys_requests import (
    DALARNA_CODES,
    FOCUS_AREAS,
    answer,
    contact_point,
    export_rows,
    key,
    needs_answers,
    open_round,
    read_as_of,
)

ALVDALEN = "2039"
ALVDALEN_MAILBOX = "kunskapsstod.socialtjanst@alvdalen.example"


@pytest.fixture(scope="module")
def falun_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["municipality-2080"]}


def test_the_shipped_needs_survey_is_built_from_the_code_lists(gateway, county_key):
    survey = gateway.get("/surveys/questionnaires/behovsinventering", headers=county_key).json()
    assert survey["status"] == "published" and survey["version"] == 1
    groups = [item for item in survey["items"] if item["type"] == "group"]
    assert [g["category"] for g in groups] == FOCUS_AREAS
    processes = groups[0]["items"][1]
    assert len(processes["options"]) == 9 and processes["options"][3]["display"] == "Implementering av kunskap"
    assert processes["enable_when"] == [{"question": "behov.barn-och-unga.angelagenhet", "operator": ">=",
                                         "answer": 3}]
    lists = {c["id"]: c for c in gateway.get("/surveys/code-lists", headers=county_key).json()["items"]}
    assert len(lists["fokusomraden"]["codes"]) == 7 and len(lists["rss-uppdrag"]["codes"]) == 5
    spread = next(c for c in lists["kunskapsprocesser"]["codes"] if c["code"] == "sprida-kunskap")
    assert spread["properties"] == {"initiativtagare": "nationell", "stod": "regional", "mottagare": "kommun"}
    report = gateway.get("/surveys/questionnaires/lagesrapport", headers=county_key).json()
    assert len(report["items"][0]["items"]) == 12 and len(report["items"][1]["items"]) == 5


def alvdalens_contact_point_held_by_someone(gateway, admin_key) -> None:
    """Älvdalen's contact point in the registry: the function's mailbox, and a (fictional) person holding the post
    whose own e-mail reminders must never use."""
    post = contact_point(gateway, admin_key, "municipality-2039", ALVDALEN_MAILBOX)
    person = gateway.post("/actors/people", headers=admin_key, json={
        "id": "fiktiv-handlaggare-alvdalen", "given_name": "Fiktiv", "family_name": "Handläggarsson",
        "email": "fiktiv.handlaggarsson@alvdalen.example"})
    assert person.status_code in (200, 201), person.text
    held = gateway.post("/actors/memberships", headers=admin_key, json={
        "id": "fiktiv-handlaggare-alvdalen-kontakt", "post_id": post["id"], "person_id": "fiktiv-handlaggare-alvdalen",
        "valid_from": "2020-01-01"})
    assert held.status_code in (200, 201), held.text


def test_a_round_to_dalarna_answered_amended_closed_aggregated_and_exported(gateway, admin_key, county_key,
                                                                             falun_key):
    alvdalens_contact_point_held_by_someone(gateway, admin_key)
    round_ = open_round(gateway, admin_key, targets={"kind": "municipality", "county": "20"})
    assert (round_["status"], round_["targets"]) == ("open", 15)
    url = f"/surveys/rounds/{round_['id']}"

    falun = answer(gateway, falun_key, round_["id"], "2080", needs_answers(2))
    assert falun.status_code == 201, falun.text
    assert falun.json()["status"] == "submitted" and falun.json()["review_state"] == "received"
    assert falun.headers["location"] == f"{url}/responses/2080"
    others = [code for code in DALARNA_CODES if code not in ("2080", ALVDALEN)]
    for code in others:
        draft = answer(gateway, county_key, round_["id"], code, {"behov.aldre.angelagenhet": 2}, submit=False)
        assert draft.status_code == 201 and draft.json()["status"] == "draft", draft.text
        n = DALARNA_CODES.index(code)
        resumed = gateway.put(f"{url}/responses/{code}", headers=read_as_of(gateway, county_key,
                                                                            f"{url}/responses/{code}"),
                              json={"answers": needs_answers(n), "submit": True})
        assert resumed.status_code == 200 and resumed.json()["status"] == "submitted", resumed.text

    missing = gateway.get(f"{url}/non-responders", headers=county_key).json()
    assert (missing["targets"], missing["submitted"]) == (15, 14)
    assert missing["counties"][0]["non_responders"] == [{"organisation_id": ALVDALEN, "name": "Älvdalen",
                                                         "county_code": "20", "contact_point": ALVDALEN_MAILBOX}]
    targets = gateway.get(f"{url}/targets", headers=county_key).json()["items"]
    assert [(t["organisation_id"], t["name"]) for t in targets] == sorted((c, n) for c, n, *_ in DALARNA)

    amended = needs_answers(2) | {"behov.aldre.angelagenhet": 5, "behov.aldre.processer": ["sprida-kunskap"],
                                  "behov.aldre.niva": "nationell"}
    changed = gateway.put(f"{url}/responses/2080", headers=read_as_of(gateway, falun_key, f"{url}/responses/2080"),
                          json={"answers": amended})
    assert changed.status_code == 200 and changed.json()["revision"] == 2, changed.text
    history = gateway.get(f"{url}/responses/2080/history", headers=county_key).json()["revisions"]
    assert [r["answers"].get("behov.aldre.angelagenhet") for r in history] == [
        needs_answers(2).get("behov.aldre.angelagenhet"), 5]
    reviewed = gateway.post(f"{url}/responses/2080/review", headers=county_key,
                            json={"state": "has_issues", "comment": "Komplettera med fler processer för äldre."})
    assert reviewed.json()["review_state"] == "has_issues"
    assert reviewed.json()["comments"][0]["comment"] == "Komplettera med fler processer för äldre."

    assert gateway.post(f"{url}/close", headers=admin_key).json()["status"] == "closed"
    too_late = answer(gateway, county_key, round_["id"], ALVDALEN, needs_answers(14))
    assert_problem(too_late, 409, field="round", rule="round_open")
    late = answer(gateway, admin_key, round_["id"], ALVDALEN, needs_answers(14))
    assert late.status_code == 201 and late.json()["late"] is True, late.text

    answered = {code: needs_answers(DALARNA_CODES.index(code)) for code in DALARNA_CODES} | {"2080": amended}
    rates = gateway.get(f"{url}/response-rates", headers=county_key).json()
    assert rates["nation"] == {"county_code": None, "targets": 15, "submitted": 15, "share": 1.0}

    distribution = gateway.get(f"{url}/distribution", params={"county": "20"}, headers=county_key).json()
    items = {item["link_id"]: item for item in distribution["county"]["items"]}
    urgency = Counter(a["behov.aldre.angelagenhet"] for a in answered.values())
    assert {v["value"]: v["count"] for v in items["behov.aldre.angelagenhet"]["values"]} == {
        str(n): urgency.get(n, 0) for n in range(1, 6)}
    assert all(v["denominator"] == 15 for v in items["behov.aldre.angelagenhet"]["values"])
    levels = Counter(a["behov.aldre.niva"] for a in answered.values() if "behov.aldre.niva" in a)
    niva = {v["value"]: (v["count"], v["denominator"]) for v in items["behov.aldre.niva"]["values"]}
    assert niva == {level: (levels.get(level, 0), sum(levels.values())) for level in ("lokal", "regional",
                                                                                       "nationell")}
    assert distribution["nation"]["items"] == distribution["county"]["items"]  # only Dalarna was asked

    needs = gateway.get(f"{url}/needs", headers=county_key).json()["nation"]
    means = {area: sum(a[f"behov.{area}.angelagenhet"] for a in answered.values()) / 15 for area in FOCUS_AREAS}
    assert [a["code"] for a in needs["focus_areas"]] == sorted(FOCUS_AREAS, key=lambda a: (-means[a], a))
    assert all(a["count"] == a["denominator"] == 15 for a in needs["focus_areas"])
    spread = next(p for p in needs["processes"] if p["code"] == "sprida-kunskap")
    assert spread["count"] == sum(any("sprida-kunskap" in a.get(f"behov.{f}.processer", []) for f in FOCUS_AREAS)
                                  for a in answered.values())

    rows = export_rows(gateway.get(f"{url}/exports/responses.csv", headers=county_key))
    assert len(rows) == 15
    falun_row = next(r for r in rows if r["respondent_id"] == "2080")
    assert (falun_row["behov.aldre.angelagenhet"], falun_row["behov.aldre.processer:sprida-kunskap"],
            falun_row["behov.aldre.processer:implementering"]) == ("5", "ja", "nej")
    assert falun_row["county_name"] == "Dalarnas län"
    assert next(r for r in rows if r["respondent_id"] == ALVDALEN)["late"] == "ja"
    workbook = load_workbook(io.BytesIO(gateway.get(f"{url}/exports/distribution.xlsx",
                                                    headers=county_key).content))
    sheet = list(workbook["distribution"].iter_rows(values_only=True))
    columns = sheet[1]  # the ids, under the labels
    xlsx_counts = {row[columns.index("value")]: row[columns.index("count")] for row in sheet[2:]
                   if row[columns.index("link_id")] == "behov.aldre.niva"}
    assert xlsx_counts == {level: count for level, (count, _) in niva.items()}


def test_a_retried_submission_stores_nothing_twice(gateway, admin_key, county_key):
    round_ = open_round(gateway, admin_key)
    headers = {**county_key, **key()}
    body = {"respondent_id": "2062", "answers": needs_answers(3), "submit": True}
    first = gateway.post(f"/surveys/rounds/{round_['id']}/responses", json=body, headers=headers)
    again = gateway.post(f"/surveys/rounds/{round_['id']}/responses", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    history = gateway.get(f"/surveys/rounds/{round_['id']}/responses/2062/history", headers=county_key).json()
    assert len(history["revisions"]) == 1
