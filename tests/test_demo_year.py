"""The demo year that `make run` loads, read back through the gateway as a dashboard or the annual report would:
Dalarna's and Stockholm's money, a national needs survey answered by about a third of the municipalities, 12 of
21 status reports, and a second load that changes nothing. On a stack of its own: the demo year is the whole of a
year's data, which the shared stack's tests make their own."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from deploy.demo_year import DEMO_PEOPLE, RECEIVERS, DemoSummary, _Api, _Calendar, _Loader, load_demo_year
from tests.support import start_stack

ROOT = Path(__file__).resolve().parent.parent
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


def test_the_administrators_command_line_finds_the_demo_year_and_makes_its_report(demo_stack, loads, tmp_path):
    """What an administrator types, against the platform with the demo year: the load again (already there), the
    year's report composed, saved as a PDF and a workbook, and a report the platform does not have in one line."""
    env = {k: v for k, v in os.environ.items() if k not in ("RSS_URL", "RSS_API_KEY")}
    env |= {"RSS_URL": demo_stack.gateway_url, "RSS_API_KEY": demo_stack.keys["skr-admin"], "COLUMNS": "200",
            "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}

    def rss(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "admin", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=120)

    again = rss("demo", "load", "--year", str(YEAR))
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout and "Demo year loaded." in again.stdout

    made = rss("--json", "report", "generate", str(YEAR))
    assert made.returncode == 0, made.stderr
    version = json.loads(made.stdout)
    assert version["year"] == YEAR and not version["empty"]
    pdf, workbook = tmp_path / "arsrapport.pdf", tmp_path / "arsrapport.xlsx"
    for path, kind in ((pdf, "pdf"), (workbook, "xlsx")):
        saved = rss("report", "show", str(YEAR), "--format", kind, "--output", str(path))
        assert saved.returncode == 0, saved.stderr
    assert pdf.read_bytes().startswith(b"%PDF-") and workbook.read_bytes().startswith(b"PK")
    money = json.loads(rss("--json", "report", "show", str(YEAR), "--table", "money").stdout)
    assert {row["county_code"] for row in money["rows"]} >= {"20", "01"}

    missing = rss("report", "show", "2001")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [missing.stderr.strip()] and "2001" in missing.stderr


def test_the_demo_years_report_has_the_same_amounts_in_every_format(demo_stack, loads):
    """The demo year's report downloaded as SKR would: every amount of the money table is the same in the JSON
    (öre), the CSV (kronor), the workbook (numbers in kronor) and the printable page (as people read it), and the
    PDF is made from that page."""
    admin = {"X-API-Key": demo_stack.keys["skr-admin"]}
    with httpx.Client(base_url=demo_stack.gateway_url, headers=admin, timeout=60) as client:
        version = client.post("/reporting/reports", json={"year": YEAR})
        assert version.status_code in (200, 201), version.text
        links = version.json()["links"]
        document = client.get(links["json"]).json()
        money = next(t for t in document["tables"] if t["name"] == "money")
        amounts = [c for c in money["columns"] if c["type"] == "money"]
        assert money["rows"] and amounts
        csv_rows = list(csv.reader(io.StringIO(client.get(links["csv"]["money"]).content.decode("utf-8-sig"))))
        book = load_workbook(io.BytesIO(client.get(links["xlsx"]).content))
        page = client.get(links["html"]).text
        pdf = client.get(links["pdf"])
    assert pdf.headers["content-type"].startswith("application/pdf") and pdf.content.startswith(b"%PDF-")

    titles = [c["title"] for c in money["columns"]]
    assert csv_rows[0] == titles and len(csv_rows) == len(money["rows"]) + 1
    sheet = next(book[name] for name in book.sheetnames if money["title"].startswith(name))
    sheet_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [c.value for c in sheet[1]] == titles and len(sheet_rows) == len(money["rows"])
    text = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ").replace("\u202f", " ")
    for n, row in enumerate(money["rows"]):
        for column in amounts:
            ore = row[column["name"]]
            i = titles.index(column["title"])
            if ore is None:
                assert csv_rows[n + 1][i] == "" and sheet_rows[n][i] is None
                continue
            assert Decimal(csv_rows[n + 1][i]) * 100 == ore, (column["name"], row)
            assert Decimal(repr(sheet_rows[n][i])) * 100 == ore, (column["name"], row)
            whole, rest = divmod(abs(ore), 100)
            shown = f"{whole:,}".replace(",", " ") + (f",{rest:02d}" if rest else "") + " kr"
            assert shown in text, (shown, column["name"])
