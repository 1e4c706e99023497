"""The demo year that `make run` loads, read back through the gateway as a dashboard or the annual report would:
Dalarna's and Stockholm's money, a national needs survey answered by about a third of the municipalities, 12 of
21 status reports, and a second load that changes nothing. On a stack of its own: the demo year is the whole of a
year's data, which the shared stack's tests make their own."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import httpx
import pytest

from deploy.demo_year import DEMO_PEOPLE, RECEIVERS, DemoSummary, _Api, _Calendar, _Loader, load_demo_year
from tests.support import start_stack

# Early in January the year has too few days behind it for a report to come in after its due date: the year
# before is the demo year then.
TODAY = date.today()
YEAR = TODAY.year if TODAY >= date(TODAY.year, 1, 15) else TODAY.year - 1
MONEY = ("allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay", "repaid")


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory, new_database_url):
    stack = start_stack(tmp_path_factory.mktemp("demo-year"), new_database_url)
    yield stack
    stack.stop()


STORY = ("/funding/balances?by=recipient", "/surveys/rounds/demo-behov-{year}/response-rates",
         "/surveys/status-reports/{year}", "/funding/repayment-claims")


def story(base_url: str, key: str) -> dict[str, object]:
    """What a reader sees of the demo year, answer by answer."""
    with httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=30) as client:
        return {path: client.get(path.format(year=YEAR)).json() for path in STORY}


@pytest.fixture(scope="module")
def loads(demo_stack) -> tuple[DemoSummary, DemoSummary, dict, dict]:
    """The demo year loaded twice, with the county keys of Dalarna and Stockholm, and what a reader saw after
    each load."""
    counties = {"20": demo_stack.keys["county-20"], "01": demo_stack.keys["county-01"]}
    admin = demo_stack.keys["skr-admin"]
    first = load_demo_year(demo_stack.gateway_url, admin, counties, year=YEAR)
    seen_first = story(demo_stack.gateway_url, admin)
    second = load_demo_year(demo_stack.gateway_url, admin, counties, year=YEAR)
    return first, second, seen_first, story(demo_stack.gateway_url, admin)


@pytest.fixture(scope="module")
def dashboard(demo_stack, loads) -> httpx.Client:
    with httpx.Client(base_url=demo_stack.gateway_url, timeout=30,
                      headers={"X-API-Key": demo_stack.keys["dashboard"]}) as client:
        yield client


@pytest.fixture(scope="module")
def admin(demo_stack, loads) -> httpx.Client:
    with httpx.Client(base_url=demo_stack.gateway_url, timeout=30,
                      headers={"X-API-Key": demo_stack.keys["skr-admin"]}) as client:
        yield client


def read(client: httpx.Client, path: str, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def balances(client: httpx.Client) -> dict[str | None, dict]:
    answer = read(client, "/funding/balances", by="county", year=YEAR)
    return {group["group"]: group for group in answer["groups"]} | {"total": answer["total"]}


def test_the_balances_show_dalarnas_and_stockholms_money_in_every_column(dashboard):
    groups = balances(dashboard)
    for county in ("20", "01"):
        assert all(float(groups[county][column]) > 0 for column in ("allocated", "requisitioned", "paid")), groups
    # Dalarna passed money on, reported its spending, and repaid part of what was left.
    assert all(float(groups["20"][column]) > 0 for column in MONEY), groups["20"]
    assert float(groups["20"]["repaid"]) < float(groups["20"]["to_repay"])
    assert all(float(groups["total"][column]) > 0 for column in ("committed", *MONEY)), groups["total"]


def test_requisitions_are_paid_and_pending(dashboard):
    statuses = {county: sorted(r["status"] for r in read(dashboard, "/funding/requisitions", county=county,
                                                         year=YEAR)["items"])
                for county in ("20", "01")}
    assert statuses == {"20": ["paid", "paid", "submitted"], "01": ["approved", "paid"]}


def test_the_allocations_were_made_by_the_platforms_engine_and_sum_to_their_totals(dashboard):
    allocations = read(dashboard, "/funding/allocations", year=YEAR)["items"]
    assert {a["key"] for a in allocations} == {"percentage", "equal", "population"}
    for allocation in allocations:
        assert allocation["sum"] == allocation["total"]
    distribution = next(a for a in allocations if a["parent"] is not None)
    assert distribution["county_code"] == "20" and len(distribution["shares"]) == 15


def test_about_a_third_of_the_municipalities_answered_the_needs_survey_in_every_county(dashboard, loads):
    first, *_ = loads
    rates = read(dashboard, f"/surveys/rounds/{first.needs_round_id}/response-rates")
    assert rates["nation"]["targets"] == 290
    assert 0.30 <= rates["nation"]["share"] <= 0.40
    assert len(rates["counties"]) == 21 and all(c["submitted"] >= 1 for c in rates["counties"])
    assert rates["previous_round_id"] == first.previous_round_id
    assert 0 < rates["previous_nation"]["share"] < rates["nation"]["share"]


def test_top_needs_say_something_and_change_from_last_year(admin, loads):
    first, *_ = loads
    nation = read(admin, f"/surveys/rounds/{first.needs_round_id}/needs")["nation"]
    ranked = [area["code"] for area in nation["focus_areas"]]
    assert set(ranked[:2]) == {"aldre", "barn-och-unga"} and ranked[-1] == "digitalisering"
    means = [float(area["mean"]) for area in nation["focus_areas"]]
    assert means[0] - means[-1] > 1.0
    digitalisation = next(a for a in nation["focus_areas"] if a["code"] == "digitalisering")
    assert float(digitalisation["change"]) < 0


def test_twelve_of_twenty_one_status_reports_ten_on_time(admin):
    compilation = read(admin, f"/surveys/status-reports/{YEAR}")
    assert (compilation["targets"], compilation["submitted"], compilation["on_time"],
            compilation["after_due"]) == (21, 12, 10, 2)
    late = {c["county_code"] for c in compilation["counties"] if c["status"] == "submitted" and not c["on_time"]}
    assert late == {"20", "01"}
    for county in compilation["counties"]:
        if county["status"] == "submitted":
            assert county["decision_body"] and county["decision_level"] and county["signatories"]
            assert date.fromisoformat(county["submitted_on"]) <= TODAY


def test_every_person_the_demo_year_names_is_from_its_fictional_list(admin):
    for *_, (person_id, name) in RECEIVERS:
        assert read(admin, f"/actors/people/{person_id}")["name"] == name
        assert name in DEMO_PEOPLE
    compilation = read(admin, f"/surveys/status-reports/{YEAR}")
    signed = [line.split(",")[0] for c in compilation["counties"] if c["signatories"]
              for line in c["signatories"].splitlines()]
    assert len(signed) >= 12 and set(signed) <= set(DEMO_PEOPLE)


def test_partnership_activities_or_a_note_that_the_platform_has_no_reporting(admin, loads):
    first, *_ = loads
    listed = admin.get("/reporting/activities", params={"year": YEAR})
    if listed.status_code == 404:
        assert first.activities == 0 and any("/reporting answered 404" in note for note in first.notes)
    else:
        assert listed.status_code == 200, listed.text
        assert listed.json()["count"] == first.activities == 4


def test_a_second_load_changes_nothing(loads, dashboard, admin):
    first, second, seen_first, seen_second = loads
    assert seen_second == seen_first
    assert not first.already_loaded and first.created > 0
    assert second.already_loaded and second.created == 0
    counted = [f.name for f in dataclasses.fields(DemoSummary) if f.name not in ("already_loaded", "created",
                                                                                   "seconds")]
    assert {n: getattr(second, n) for n in counted} == {n: getattr(first, n) for n in counted}
    responses = read(admin, f"/surveys/rounds/{first.needs_round_id}/responses", limit=500)
    assert responses["count"] == first.needs_responses
    assert len({r["respondent_id"] for r in responses["items"]}) == first.needs_responses
    assert read(dashboard, "/funding/requisitions", year=YEAR)["count"] == 5
    assert read(dashboard, "/funding/agreements")["count"] == 2


def test_activities_go_to_the_reporting_service_as_its_contract_says_once_each():
    """Against a reporting service that keeps what it is sent (the contract's `/reporting/activities`): four
    activities, a county's sent with its own key, and none sent again by a second load."""
    stored: list[tuple[str, dict]] = []

    def reporting(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            items = [body for _, body in stored if body["starts_on"].startswith(request.url.params["year"])]
            return httpx.Response(200, json={"items": items, "count": len(items), "next_page": None})
        body = json.loads(request.content)
        stored.append((request.headers["x-api-key"], body))
        return httpx.Response(201, json={"id": f"activity-{len(stored)}", **body})

    with httpx.Client(base_url="http://platform", transport=httpx.MockTransport(reporting)) as http:
        for _ in range(2):
            _Loader(_Api(http, "admin-key"), {"20": "dalarna-key", "01": "stockholm-key"},
                    _Calendar(YEAR, TODAY), lambda _line: None).activities()
    assert len(stored) == 4
    for key, body in stored:
        assert set(body) == {"title", "kind", "starts_on", "ends_on", "county_code", "rss_ids", "network_ids",
                             "description"}
        assert body["kind"] in {"meeting", "development_work", "promising_example", "conference", "other"}
        assert body["starts_on"] <= body["ends_on"] <= TODAY.isoformat() and body["starts_on"].startswith(str(YEAR))
        assert key == {"20": "dalarna-key", "01": "stockholm-key", None: "admin-key"}[body["county_code"]]
