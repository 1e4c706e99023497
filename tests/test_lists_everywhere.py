"""Funding's, surveys' and reporting's lists through the gateway: every list answers a page (limit, cursor, count)
read from the OpenAPI document, the dashboard's filters narrow them, every GET answer carries an ETag that answers
304 to If-None-Match, and a survey response changes only with If-Match naming the state it was read in."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from tests.funding_requests import key, receiver_allocation, requisition
from tests.support import assert_problem
from tests.surveys_requests import answer, needs_answers, open_round

SERVICES = ("/funding", "/surveys", "/reporting")


@pytest.fixture(scope="module")
def records(gateway: httpx.Client, admin_key: dict, county_key: dict) -> dict:
    """Two agreements with an allocation each; requisitions of Dalarna (a draft and a submitted one) and of
    Stockholm; an open round and a scheduled one, with a draft and a submitted response."""
    agreement, allocation = receiver_allocation(gateway, admin_key)
    receiver_allocation(gateway, admin_key)
    made = {}
    for name, county, headers, submit in (("draft", "20", county_key, False), ("submitted", "20", county_key, True),
                                          ("stockholm", "01", admin_key, True)):
        answered = gateway.post("/funding/requisitions", json=requisition(allocation, "1000.00", county,
                                                                          submit=submit),
                                headers={**headers, **key()})
        assert answered.status_code == 201, answered.text
        made[name] = answered.json()
    round_ = open_round(gateway, admin_key)
    scheduled = open_round(gateway, admin_key, opens_on=date.today() + timedelta(days=30))
    assert answer(gateway, county_key, round_["id"], "2080", needs_answers(1)).status_code == 201
    assert answer(gateway, county_key, round_["id"], "2081", {"behov.aldre.angelagenhet": 4},
                  submit=False).status_code == 201
    return {"agreement": agreement, "allocation": allocation, "requisitions": made, "round": round_,
            "scheduled": scheduled}


def operations(gateway: httpx.Client) -> dict[str, dict]:
    """Funding's, surveys' and reporting's GET operations, by public path."""
    paths = gateway.get("/openapi.json").json()["paths"]
    return {path: item["get"] for path, item in paths.items() if path.startswith(SERVICES) and "get" in item}


def json_schema_of(operation: dict) -> dict | None:
    return operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema")


def lists(gateway: httpx.Client) -> list[str]:
    """The GETs without path parameters that answer a list (they take `limit`)."""
    return [path for path, op in operations(gateway).items() if "{" not in path
            and any(p["name"] == "limit" for p in op.get("parameters", []))]


def test_no_get_answers_a_bare_array(gateway):
    bare = [path for path, op in operations(gateway).items()
            if (schema := json_schema_of(op)) is not None and schema.get("type") == "array"]
    assert bare == []


def test_every_list_answers_a_page_and_a_cursor_when_there_is_more(gateway, admin_key, records):
    found = lists(gateway)
    assert {"/funding/agreements", "/funding/requisitions", "/funding/reports", "/funding/repayment-claims",
            "/funding/co-financing", "/funding/allocations", "/funding/audit", "/surveys/questionnaires",
            "/surveys/rounds", "/surveys/status-reports", "/surveys/code-lists", "/surveys/audit",
            "/reporting/reports", "/reporting/activities", "/reporting/deliveries", "/reporting/audit"} <= set(found)
    for path in found:
        page = gateway.get(path, params={"limit": 1}, headers=admin_key)
        assert page.status_code == 200, (path, page.text)
        body = page.json()
        assert set(body) >= {"items", "count", "next_cursor", "next_page"}, path
        assert len(body["items"]) <= 1, path
        if body["count"] > 1:
            assert body["next_cursor"], path
            following = gateway.get(path, params={"limit": 1, "cursor": body["next_cursor"]}, headers=admin_key)
            assert following.status_code == 200 and following.json()["items"] != body["items"], path
        else:
            assert body["next_cursor"] is None, path
    assert_problem(gateway.get("/funding/requisitions", params={"limit": 0}, headers=admin_key), 422)


def test_requisitions_filter_by_county_and_status(gateway, admin_key, records):
    agreement = records["agreement"]["id"]
    def ids(**params) -> set[str]:
        page = gateway.get("/funding/requisitions", params={"agreement": agreement, **params}, headers=admin_key)
        assert page.status_code == 200, page.text
        return {r["id"] for r in page.json()["items"]}

    made = {name: r["id"] for name, r in records["requisitions"].items()}
    assert ids() == set(made.values())
    assert ids(county="20") == {made["draft"], made["submitted"]}
    assert ids(county="20", status="submitted") == {made["submitted"]}
    assert ids(county="01", status="submitted") == {made["stockholm"]}
    assert ids(status="paid") == set()
    assert ids(year=2023) == set(made.values()) and ids(year=2024) == set()
    recipient = records["allocation"]["receivers"]["01"]["id"]
    assert ids(recipient=recipient) == {made["stockholm"]}
    assert_problem(gateway.get("/funding/requisitions", params={"status": "lost"}, headers=admin_key), 422,
                   field="query.status")
    assert_problem(gateway.get("/funding/requisitions", params={"county": "2"}, headers=admin_key), 422,
                   field="query.county")


def test_rounds_filter_by_status_and_responses_by_status(gateway, admin_key, county_key, records):
    def ids(**params) -> set[str]:
        page = gateway.get("/surveys/rounds", params={"limit": 500, **params}, headers=admin_key)
        assert page.status_code == 200, page.text
        return {r["id"] for r in page.json()["items"]}

    open_, scheduled = records["round"]["id"], records["scheduled"]["id"]
    assert open_ in ids(status="open") and open_ not in ids(status="closed") | ids(status="scheduled")
    assert scheduled in ids(status="scheduled") and scheduled not in ids(status="open")
    assert {open_, scheduled} <= ids(questionnaire="behovsinventering")
    responses = f"/surveys/rounds/{open_}/responses"
    drafts = gateway.get(responses, params={"status": "draft"}, headers=county_key).json()
    assert [r["respondent_id"] for r in drafts["items"]] == ["2081"] and drafts["count"] == 1
    assert gateway.get(responses, params={"county": "01"}, headers=county_key).json()["items"] == []
    targets = gateway.get(f"/surveys/rounds/{open_}/targets", params={"limit": 1}, headers=county_key).json()
    assert len(targets["items"]) == 1 and targets["count"] == 15 and targets["next_cursor"]


def test_the_national_overview_of_one_year(gateway, admin_key, records):
    overview = gateway.get("/funding/balances", params={"by": "county", "year": 2023}, headers=admin_key)
    assert overview.status_code == 200, overview.text
    assert overview.json()["year"] == 2023
    assert {g["group"] for g in overview.json()["groups"]} >= {"20", "01"}
    none = gateway.get("/funding/balances", params={"by": "county", "year": 2031}, headers=admin_key).json()
    assert none["groups"] == []


def test_every_get_carries_an_etag_and_answers_304_to_it(gateway, admin_key, records):
    round_id = records["round"]["id"]
    concrete = [path for path in operations(gateway) if "{" not in path] + [
        f"/funding/agreements/{records['agreement']['id']}",
        f"/funding/agreements/{records['agreement']['id']}/balances",
        f"/funding/allocations/{records['allocation']['id']}",
        f"/funding/requisitions/{records['requisitions']['draft']['id']}",
        f"/surveys/rounds/{round_id}", f"/surveys/rounds/{round_id}/targets",
        f"/surveys/rounds/{round_id}/responses", f"/surveys/rounds/{round_id}/responses/2080",
        "/surveys/questionnaires/behovsinventering", "/surveys/code-lists/fokusomraden"]
    checked = 0
    for path in concrete:
        first = gateway.get(path, headers=admin_key)
        if first.status_code != 200 or "json" not in first.headers.get("content-type", ""):
            continue
        etag = first.headers.get("etag")
        assert etag, path
        again = gateway.get(path, headers={**admin_key, "If-None-Match": etag})
        assert again.status_code == 304, (path, again.status_code)
        assert again.headers["etag"] == etag and again.content == b"", path
        checked += 1
    assert checked >= len(concrete) - 3  # a few answers need parameters (or are files)


def test_a_response_changes_only_with_if_match(gateway, county_key, records):
    url = f"/surveys/rounds/{records['round']['id']}/responses/2081"
    read = gateway.get(url, headers=county_key)
    before, etag = read.json(), read.headers["etag"]
    change = {"answers": {"behov.aldre.angelagenhet": 2}, "submit": False}
    assert_problem(gateway.put(url, headers=county_key, json=change), 428)
    assert_problem(gateway.put(url, headers={**county_key, "If-Match": '"0.0"'}, json=change), 412)
    assert gateway.get(url, headers=county_key).json() == before  # nothing changed
    changed = gateway.put(url, headers={**county_key, "If-Match": etag}, json=change)
    assert changed.status_code == 200, changed.text
    assert changed.json()["revision"] == before["revision"] + 1 and changed.headers["etag"] != etag
    assert_problem(gateway.put(url, headers={**county_key, "If-Match": etag}, json=change), 412)
    assert gateway.get(url, headers=county_key).headers["etag"] == changed.headers["etag"]
