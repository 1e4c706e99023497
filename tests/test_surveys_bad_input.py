"""Bad answers and bad questionnaires through the gateway: each refusal is problem+json naming the item (or
field) and the rule, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.support import assert_problem
from tests.surveys_requests import answer, needs_answers, open_round, read_as_of, unique


@pytest.fixture(scope="module")
def round_(gateway, admin_key) -> dict:
    return open_round(gateway, admin_key)


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"behov.aldre.angelagenhet": "mycket"}, "answers.behov.aldre.angelagenhet", "type"),
    ({"behov.aldre.angelagenhet": 7}, "answers.behov.aldre.angelagenhet", "max_value"),
    ({"behov.aldre.angelagenhet": 5, "behov.aldre.niva": "kommunal"}, "answers.behov.aldre.niva", "answer_option"),
    ({"behov.aldre.angelagenhet": 5, "behov.aldre.processer": "sprida-kunskap"}, "answers.behov.aldre.processer",
     "type"),
    ({"behov.aldre.angelagenhet": None}, "answers.behov.aldre.angelagenhet", "required"),
    ({"behov.aldre.angelagenhet": 1, "behov.aldre.niva": "lokal"}, "answers.behov.aldre.niva", "disabled_item"),
    ({"behov.okand": 3}, "answers.behov.okand", "known_item"),
])
def test_a_bad_answer_is_refused_naming_the_item_and_nothing_is_stored(gateway, county_key, round_, change, field,
                                                                       rule):
    answers = {k: v for k, v in (needs_answers(1) | change).items() if v is not None}
    if change.get("behov.aldre.angelagenhet") == 1:
        answers.pop("behov.aldre.processer", None)
    refused = answer(gateway, county_key, round_["id"], "2084", answers)
    assert_problem(refused, 422, field=field, rule=rule)
    missing = gateway.get(f"/surveys/rounds/{round_['id']}/responses/2084", headers=county_key)
    assert_problem(missing, 404)


def test_a_draft_may_leave_required_items_out_but_its_submission_may_not(gateway, county_key, round_):
    draft = answer(gateway, county_key, round_["id"], "2081", {"behov.aldre.angelagenhet": 4}, submit=False)
    assert draft.status_code == 201 and draft.json()["status"] == "draft", draft.text
    url = f"/surveys/rounds/{round_['id']}/responses/2081"
    refused = gateway.put(url, headers=read_as_of(gateway, county_key, url),
                          json={"answers": {"behov.aldre.angelagenhet": 4}, "submit": True})
    body = assert_problem(refused, 422, field="answers.behov.aldre.processer", rule="required")
    assert {e["field"] for e in body["errors"]} >= {"answers.behov.barn-och-unga.angelagenhet"}
    assert gateway.get(url, headers=county_key).json()["status"] == "draft"


def test_a_second_response_for_the_same_organisation_and_round_is_a_conflict(gateway, county_key, round_):
    assert answer(gateway, county_key, round_["id"], "2026", needs_answers(4)).status_code == 201
    second = answer(gateway, county_key, round_["id"], "2026", needs_answers(5))
    assert_problem(second, 409, field="body.respondent_id", rule="one_response_per_respondent")
    stored = gateway.get(f"/surveys/rounds/{round_['id']}/responses/2026", headers=county_key).json()
    assert stored["answers"]["uppdrag.rangordning"] == needs_answers(4)["uppdrag.rangordning"]


def test_another_countys_system_and_another_municipality_are_refused(gateway, stack, county_key, round_):
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    falun = {"X-API-Key": stack.keys["municipality-2080"]}
    assert_problem(answer(gateway, stockholm, round_["id"], "2083", needs_answers(6)), 403,
                   field="body.respondent_id", rule="forbidden")
    assert_problem(answer(gateway, falun, round_["id"], "2083", needs_answers(6)), 403,
                   field="body.respondent_id", rule="forbidden")
    assert answer(gateway, county_key, round_["id"], "2083", needs_answers(6)).status_code == 201
    url = f"/surveys/rounds/{round_['id']}/responses/2083"
    assert_problem(gateway.get(url, headers=stockholm), 403)
    assert_problem(gateway.get(url, headers=falun), 403)
    assert_problem(gateway.put(url, headers=stockholm, json={"answers": needs_answers(7)}), 403)
    assert_problem(gateway.post(url + "/review", headers=falun, json={"state": "approved"}), 403)
    assert gateway.get(f"/surveys/rounds/{round_['id']}/responses", headers=stockholm).json()["items"] == []
    assert [r["respondent_id"] for r in gateway.get(f"/surveys/rounds/{round_['id']}/responses",
                                                    headers=falun).json()["items"]] in ([], ["2080"])
    assert gateway.get(url, headers=county_key).json()["answers"] == gateway.get(url, headers=county_key).json()[
        "answers"] and gateway.get(url + "/history", headers=county_key).json()["revisions"][-1]["revision"] == 1


def test_an_organisation_the_round_was_not_sent_to_is_refused(gateway, county_key, round_):
    assert_problem(answer(gateway, county_key, round_["id"], "2099", needs_answers(1)), 422,
                   field="body.respondent_id", rule="target_of_round")


def test_a_submission_after_close_is_refused_for_a_county(gateway, admin_key, county_key):
    closed = open_round(gateway, admin_key, organisation_ids=["2061"])
    gateway.post(f"/surveys/rounds/{closed['id']}/close", headers=admin_key)
    assert_problem(answer(gateway, county_key, closed["id"], "2061", needs_answers(1)), 409, field="round",
                   rule="round_open")


def test_a_questionnaire_breaking_its_rules_is_refused_naming_the_item(gateway, admin_key, county_key):
    body = {"id": unique("enkat"), "title": "Uppföljning", "items": [
        {"link_id": "a", "text": "Hur många årsarbetare?", "type": "integer", "min_value": 5, "max_value": 1},
        {"link_id": "b", "text": "Vilken nivå?", "type": "single_choice"},
        {"link_id": "c", "text": "Följdfråga", "type": "text", "enable_when": [{"question": "d", "answer": "x"}]},
        {"link_id": "a", "text": "Dubblett", "type": "text"},
        {"link_id": "e", "text": "Fokusområde", "type": "single_choice", "code_list": "finns-inte"},
    ]}
    refused = gateway.post("/surveys/questionnaires", json=body, headers=admin_key)
    errors = {(e["field"], e["rule"]) for e in assert_problem(refused, 422)["errors"]}
    assert errors == {("items.a.max_value", "bounds_order"), ("items.b.options", "choices_have_options"),
                      ("items.c.enable_when.0.question", "condition_on_earlier_question"),
                      ("items.a.link_id", "unique_link_id"), ("items.e.code_list", "known_code_list")}
    assert_problem(gateway.get(f"/surveys/questionnaires/{body['id']}", headers=admin_key), 404)
    assert_problem(gateway.post("/surveys/questionnaires", json={**body, "items": body["items"][:1]},
                                headers=county_key), 403)


def test_a_published_version_never_changes_and_only_a_published_one_is_sent(gateway, admin_key):
    qid = unique("enkat")
    body = {"id": qid, "title": "Kort enkät", "items": [
        {"link_id": "niva", "text": "Vilken nivå bör agera?", "type": "single_choice", "code_list": "nivaer"}]}
    created = gateway.post("/surveys/questionnaires", json=body, headers=admin_key).json()
    assert [o["code"] for o in created["items"][0]["options"]] == ["lokal", "regional", "nationell"]
    draft_round = gateway.post("/surveys/rounds", headers=admin_key, json={
        "id": unique("runda"), "questionnaire_id": qid, "version": 1, "title": "Runda", "opens_on": "2026-01-01",
        "closes_on": "2099-01-01", "targets": {"organisation_ids": ["2080"]}})
    assert_problem(draft_round, 422, field="body.version", rule="published_version")
    url = f"/surveys/questionnaires/{qid}/versions/1"
    assert gateway.post(url + "/publish", headers=admin_key).json()["status"] == "published"
    content = {"title": "Ändrad", "items": body["items"]}
    assert_problem(gateway.put(url, json=content, headers=admin_key), 409, field="status",
                   rule="published_is_immutable")
    second = gateway.post(f"/surveys/questionnaires/{qid}/versions", json=content, headers=admin_key)
    assert second.status_code == 201 and (second.json()["version"], second.json()["status"]) == (2, "draft")
    assert gateway.get(url, headers=admin_key).json()["title"] == "Kort enkät"


def test_a_control_character_in_free_text_is_refused_naming_the_field(gateway, admin_key):
    body = {"id": unique("enkat"), "title": "Uppföljning", "description": "Första raden\nandra\x00raden",
            "items": [{"link_id": "a", "text": "Hur många årsarbetare?", "type": "integer"}]}
    assert_problem(gateway.post("/surveys/questionnaires", json=body, headers=admin_key), 422,
                   field="body.description", rule="control_characters")
    assert gateway.get(f"/surveys/questionnaires/{body['id']}", headers=admin_key).status_code == 404
    body["description"] = "Första raden\nandra raden"
    assert gateway.post("/surveys/questionnaires", json=body, headers=admin_key).status_code == 201


@pytest.mark.parametrize("value", [True, 2**64, "1e999999999", "١٠", -(10**16), "4\x00"])
def test_an_answer_no_stored_number_can_hold_is_refused_never_an_error(gateway, county_key, round_, value):
    """Hostile numbers for a scale item (1-5): `true` is no number, digits are 0-9, and a size that no column
    holds is refused before any arithmetic; 422 naming the item, nothing stored."""
    answers = needs_answers(1) | {"behov.aldre.angelagenhet": value}
    refused = answer(gateway, county_key, round_["id"], "2084", answers)
    assert refused.status_code == 422, refused.text
    fields = [e["field"] for e in refused.json()["errors"]]
    assert any("answers.behov.aldre.angelagenhet" in f for f in fields), fields
    assert_problem(gateway.get(f"/surveys/rounds/{round_['id']}/responses/2084", headers=county_key), 404)


def test_a_round_created_again_after_a_lost_answer_is_the_stored_round(gateway, admin_key, round_):
    """A timeout can hide a create that was stored: the same POST again answers 200 with the stored round, and the
    same id with other content is a conflict naming the id."""
    body = {"id": round_["id"], "questionnaire_id": round_["questionnaire_id"], "version": round_["version"],
            "title": round_["title"], "opens_on": round_["opens_on"], "closes_on": round_["closes_on"],
            "targets": {"kind": "municipality", "county": "20"}}
    again = gateway.post("/surveys/rounds", json=body, headers=admin_key)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == round_["id"] and again.json()["targets"] == round_["targets"]
    assert_problem(gateway.post("/surveys/rounds", json=body | {"title": "Another"}, headers=admin_key), 409,
                   field="body.id", rule="id_in_use")
