"""The annual report through the gateway: SKR composes a year's report from what the registry, funding and surveys
answer (its numbers are theirs), stored as immutable versions (the same facts answer the same version, a change
makes the next one), an empty year is an empty report that says so, and only a national administrator composes
one while a county system records its own county's activities."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from jsonschema import Draft202012Validator

from services.reporting.formats import ANNUAL_REPORT_SCHEMA
from tests.funding_requests import allocate, key, paid, receiver, unique
from tests.support import assert_problem
from tests.surveys_requests import DALARNA_CODES, answer, needs_answers, open_round
from tests.test_surveys_status_reports import open_year, report, today_in_sweden

YEAR = 2024
TABLES = ["rss", "representatives", "money", "survey_response_rates", "needs_national", "needs_by_county",
          "status_reports", "activities", "participation", "national_totals"]


def ore(amount: str) -> int:
    return int(Decimal(amount) * 100)


def table(document: dict, name: str) -> dict:
    return next(t for t in document["tables"] if t["name"] == name)


def figure(document: dict, key_name: str) -> dict:
    return next(f for f in document["figures"] if f["key"] == key_name)


def generate(gateway: httpx.Client, headers: dict, year: int, as_of: date | None = None) -> httpx.Response:
    body = {"year": year} | ({"as_of": as_of.isoformat()} if as_of else {})
    return gateway.post("/reporting/reports", json=body, headers=headers)


@pytest.fixture(scope="module")
def year_with_data(gateway, admin_key, county_key) -> dict:
    """Money of a 2024 funding line for Dalarna and Stockholm (Dalarna's requisitioned, paid and partly reported
    spent), needs-survey rounds of 2024 and 2023 in Dalarna, and 2024's status reports from twelve counties."""
    agreement_id = unique("arsrapport")
    created = gateway.post("/funding/agreements", headers=admin_key, json={
        "id": agreement_id, "name": "Stöd till regional samverkan 2024", "registry_number": unique("S2024"),
        "first_year": YEAR, "last_year": YEAR, "areas": ["rss"],
        "lines": [{"id": f"{agreement_id}-rss", "area": "rss", "year": YEAR, "total": "3000000.00",
                   "allocation_key": "equal", "requisition_last_date": "2099-06-30",
                   "report_due_date": "2099-12-31"}]})
    assert created.status_code == 201, created.text
    agreement = created.json()
    dalarna, stockholm = receiver(gateway, admin_key, "20"), receiver(gateway, admin_key, "01")
    allocation = allocate(gateway, admin_key, agreement, {"total": "2000000.00", "key": "equal",
                                                          "recipients": [{"id": dalarna["id"]},
                                                                         {"id": stockholm["id"]}]})
    allocation["receivers"] = {"20": dalarna, "01": stockholm}
    paid(gateway, admin_key, county_key, allocation, "400000.00")
    spent = gateway.post("/funding/reports", headers={**county_key, **key()}, json={
        "id": unique("redovisning"), "allocation_id": allocation["id"], "recipient_id": dalarna["id"],
        "spent": "350000.00"})
    assert spent.status_code == 201, spent.text

    previous = open_round(gateway, admin_key, opens_on=date(YEAR - 1, 3, 1))
    for n, code in enumerate(DALARNA_CODES[:5]):
        assert answer(gateway, county_key, previous["id"], code, needs_answers(n)).status_code == 201
    current = open_round(gateway, admin_key, opens_on=date(YEAR, 3, 1))
    for n, code in enumerate(DALARNA_CODES[:9]):
        assert answer(gateway, county_key, current["id"], code, needs_answers(n + 3)).status_code == 201

    status_year = open_year(gateway, admin_key, YEAR, today_in_sweden() + timedelta(days=1))
    counties = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14"]
    for n, county in enumerate(counties):
        sent = answer(gateway, admin_key, status_year["round_id"], f"county-{county}", report(n))
        assert sent.status_code == 201, sent.text
    return {"agreement": agreement, "round": current, "previous_round": previous}


def test_the_report_of_a_year_holds_what_funding_and_surveys_answer(gateway, admin_key, dashboard_key,
                                                                     year_with_data):
    today = today_in_sweden()
    generated = generate(gateway, admin_key, YEAR, today)
    assert generated.status_code == 201, generated.text
    version = generated.json()
    assert (version["year"], version["version"], version["as_of"], version["empty"]) == (YEAR, 1, today.isoformat(),
                                                                                           False)
    assert version["generated_by"] == "skr-national-admin"
    assert generated.headers["location"] == version["links"]["json"] == f"/reporting/reports/{YEAR}/versions/1"
    assert set(version["links"]["csv"]) == set(TABLES)

    document = gateway.get(version["links"]["json"], headers=dashboard_key).json()
    assert (document["year"], document["version"], document["content_hash"]) == (YEAR, 1, version["content_hash"])
    assert document["schema"].endswith("/reporting/schemas/annual-report-v1.json")
    assert [t["name"] for t in document["tables"]] == TABLES
    assert gateway.get(f"/reporting/reports/{YEAR}", headers=dashboard_key).json() == document
    Draft202012Validator(ANNUAL_REPORT_SCHEMA).validate(document)
    cited = {t["source"] for t in document["tables"]} | {f["source"] for f in document["figures"]}
    sources = {s["id"]: s for s in document["sources"]}
    assert cited <= set(sources) and all(s["service"] and s["endpoint"] and s["as_of"] for s in sources.values())
    assert sources["funding-balances"]["as_of"] == today.isoformat()
    assert sources["funding-balances"]["service"] == "funding"

    # The money, agreement by county, is what funding's ledger answers for the year's lines as of the day.
    agreement_id = year_with_data["agreement"]["id"]
    mine = {r["county_code"]: r for r in table(document, "money")["rows"] if r["agreement_id"] == agreement_id}
    assert set(mine) == {"01", "20"}
    for county, row in mine.items():
        balances = gateway.get("/funding/balances", headers=dashboard_key, params={
            "by": "agreement", "county": county, "year": YEAR, "as_of": today.isoformat()}).json()
        group = next(g for g in balances["groups"] if g["group"] == agreement_id)
        assert (row["allocated"], row["requisitioned"], row["paid"], row["reported_spent"], row["repaid"],
                row["outstanding"]) == (ore(group["allocated"]), ore(group["requisitioned"]), ore(group["paid"]),
                                        ore(group["reported_spent"]), ore(group["repaid"]),
                                        ore(group["to_repay"]) - ore(group["repaid"]))
        assert row["registry_number"] == year_with_data["agreement"]["registry_number"]
    assert (mine["20"]["allocated"], mine["20"]["paid"], mine["20"]["reported_spent"], mine["20"]["outstanding"]) \
        == (100_000_000, 40_000_000, 35_000_000, 5_000_000)  # 1 000 000 kr allocated, 400 000 paid, 350 000 spent
    verified = gateway.get(f"/funding/agreements/{agreement_id}/ledger/verify", headers=dashboard_key).json()
    assert mine["20"]["ledger_verified"] is verified["intact"] is True
    national = gateway.get("/funding/balances", headers=dashboard_key, params={
        "by": "county", "year": YEAR, "as_of": today.isoformat()}).json()["total"]
    totals = table(document, "national_totals")["rows"][0]
    assert (totals["allocated"], totals["paid"], totals["outstanding"]) == (
        ore(national["allocated"]), ore(national["paid"]), ore(national["to_repay"]) - ore(national["repaid"]))
    assert figure(document, "money_allocated")["value"] == ore(national["allocated"])
    assert figure(document, "money_allocated")["text"].replace("\u00a0", " ").endswith(" kr")

    # The needs survey: response rates per county beside the year before, and the needs as surveys ranks them.
    rounds = {year: gateway.get("/surveys/rounds", headers=dashboard_key, params={
        "questionnaire": "behovsinventering", "year": year, "limit": 500}).json()["items"] for year in (YEAR, YEAR - 1)}
    rates = {year: [gateway.get(f"/surveys/rounds/{r['id']}/response-rates", headers=dashboard_key).json()
                    for r in rounds[year]] for year in rounds}

    def dalarna(year: int) -> tuple[int, int]:
        counted = [c for answered in rates[year] for c in answered["counties"] if c["county_code"] == "20"]
        return sum(c["targets"] for c in counted), sum(c["submitted"] for c in counted)

    invited, responded = dalarna(YEAR)
    before_invited, before_responded = dalarna(YEAR - 1)
    row = next(r for r in table(document, "survey_response_rates")["rows"] if r["county_code"] == "20")
    assert (row["invited"], row["responded"]) == (invited, responded)
    assert row["rate"] == round(responded * 1000 / invited) / 10
    assert row["previous_rate"] == round(before_responded * 1000 / before_invited) / 10
    round_id = year_with_data["round"]["id"]
    needs = gateway.get(f"/surveys/rounds/{round_id}/needs", headers=dashboard_key).json()["nation"]
    focus = [r for r in table(document, "needs_national")["rows"]
             if r["round_id"] == round_id and r["category"] == "Fokusområde"]
    assert [(r["rank"], r["need"], r["count"], r["mean"]) for r in focus] == [
        (n["rank"], n["display"], n["count"], n["mean"]) for n in needs["focus_areas"]]
    in_dalarna = [r for r in table(document, "needs_by_county")["rows"] if r["round_id"] == round_id]
    assert {r["county_code"] for r in in_dalarna} == {"20"} and len(in_dalarna) == 9  # three of each kind

    # The status reports, as the compilation counts them, in the style of SKL's own compilations.
    compiled = gateway.get(f"/surveys/status-reports/{YEAR}", headers=dashboard_key).json()
    submitted = figure(document, "status_reports_submitted")
    assert (submitted["value"], submitted["of"]) == (compiled["submitted"], 21) == (12, 21)
    assert submitted["text"] == "12 av 21 län har lämnat lägesrapport"
    assert figure(document, "status_reports_on_time")["text"] == \
        f"12 av 12 inkomna lägesrapporter kom in i tid (senast {compiled['due_on']})"
    rows = {r["county_code"]: r for r in table(document, "status_reports")["rows"]}
    assert len(rows) == 21 and (rows["01"]["submitted"], rows["01"]["on_time"]) == (True, True)
    assert rows["01"]["deciding_body"] == "Regionförbundets styrelse"
    assert (rows["25"]["submitted"], rows["25"]["submitted_on"]) == (False, None)
    stockholm = next(c for c in compiled["counties"] if c["county_code"] == "01")
    assert rows["01"]["submitted_on"] == stockholm["submitted_on"]
    assert totals["status_reports_submitted"] == 12


def test_the_same_facts_are_the_same_version_and_a_change_is_the_next(gateway, admin_key, county_key,
                                                                      dashboard_key, year_with_data):
    today = today_in_sweden()
    first = generate(gateway, admin_key, YEAR, today)
    assert first.status_code in (200, 201), first.text
    again = generate(gateway, admin_key, YEAR, today)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    stored = gateway.get(first.json()["links"]["json"], headers=dashboard_key)

    recorded = gateway.post("/reporting/activities", headers=county_key, json={
        "title": "Länsträff om äldres behov", "kind": "meeting", "starts_on": f"{YEAR}-05-14",
        "ends_on": f"{YEAR}-05-14", "county_code": "20", "rss_ids": ["rss-20"], "network_ids": ["network-aldre"]})
    assert recorded.status_code == 201, recorded.text
    changed = generate(gateway, admin_key, YEAR, today)
    assert changed.status_code == 201, changed.text
    assert changed.json()["version"] == first.json()["version"] + 1
    assert changed.json()["content_hash"] != first.json()["content_hash"]
    document = gateway.get(changed.json()["links"]["json"], headers=dashboard_key).json()
    activity = next(r for r in table(document, "activities")["rows"] if r["title"] == "Länsträff om äldres behov")
    assert (activity["county_code"], activity["kind"], activity["rss"], activity["networks"]) == (
        "20", "Möte", "RSS Dalarna", "Äldre")
    assert next(r for r in table(document, "participation")["rows"] if r["county_code"] == "20")["activities"] >= 1

    # A stored version never changes, and cannot be changed or removed.
    assert gateway.get(first.json()["links"]["json"], headers=dashboard_key).content == stored.content
    assert gateway.delete(first.json()["links"]["json"], headers=admin_key).status_code == 405
    versions = gateway.get("/reporting/reports", params={"year": YEAR}, headers=county_key).json()
    assert [v["version"] for v in versions["items"]] == list(range(changed.json()["version"], 0, -1))
    assert gateway.get(f"/reporting/reports/{YEAR}", headers=county_key).json()["version"] == \
        changed.json()["version"]


def test_requests_at_the_same_moment_store_one_version(gateway, admin_key):
    year = 2006
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _n: generate(gateway, admin_key, year), range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201], [a.text for a in answers]
    assert {a.json()["version"] for a in answers} == {1}
    assert gateway.get("/reporting/reports", params={"year": year}, headers=admin_key).json()["count"] == 1


def test_a_year_without_data_is_an_empty_report_that_says_so(gateway, admin_key, dashboard_key):
    generated = generate(gateway, admin_key, 2002, date(2002, 12, 31))
    assert generated.status_code in (200, 201), generated.text
    assert generated.json()["empty"] is True
    document = gateway.get("/reporting/reports/2002", headers=dashboard_key).json()
    assert document["empty"] is True and document["as_of"] == "2002-12-31"
    assert any("tom" in note for note in document["notes"])
    assert "Inga behovsinventeringar för 2002." in document["notes"]
    assert table(document, "money")["rows"] == [] and table(document, "status_reports")["rows"] == []
    assert [t["name"] for t in document["tables"]] == TABLES


def test_unknown_years_versions_and_tables_are_not_found(gateway, admin_key, dashboard_key):
    assert_problem(gateway.get("/reporting/reports/2099", headers=dashboard_key), 404)
    assert generate(gateway, admin_key, 2004).status_code in (200, 201)
    for path in ("/reporting/reports/2004/versions/99", "/reporting/reports/2004/versions/99.xlsx",
                 "/reporting/reports/2004/versions/99.pdf", "/reporting/reports/2004/versions/1/tables/nope.csv"):
        assert_problem(gateway.get(path, headers=dashboard_key), 404)
    assert_problem(gateway.get("/reporting/reports/1800", headers=dashboard_key), 422, field="path.year")
    assert_problem(generate(gateway, admin_key, 1800), 422, field="body.year")
    assert_problem(generate(gateway, admin_key, 2004, today_in_sweden() + timedelta(days=1)), 422,
                   field="body.as_of", rule="not_in_future")
    assert_problem(generate(gateway, admin_key, 2004, date(2003, 12, 31)), 422, field="body.as_of",
                   rule="not_before_year")
    assert_problem(gateway.get("/reporting/reports", params={"year": 1800}, headers=dashboard_key), 422,
                   field="query.year")


def test_the_files_of_a_version(gateway, admin_key, dashboard_key):
    version = generate(gateway, admin_key, 2004).json()
    links = version["links"]
    for link, media_type in ((links["xlsx"], "application/vnd.openxmlformats"), (links["html"], "text/html"),
                             (links["pdf"], "application/pdf"), (links["csv"]["rss"], "text/csv")):
        answered = gateway.get(link, headers=dashboard_key)
        assert answered.status_code == 200 and answered.headers["content-type"].startswith(media_type), link
    assert gateway.get(links["csv"]["rss"], headers=dashboard_key).content.startswith(b"\xef\xbb\xbf")
    schema = gateway.get("/reporting/schemas/annual-report-v1.json")  # public, no key
    assert schema.status_code == 200 and schema.json() == ANNUAL_REPORT_SCHEMA


def test_only_national_administrators_compose_and_counties_record_their_own_activities(
        gateway, county_key, dashboard_key, admin_key):
    assert_problem(generate(gateway, county_key, 2004), 403)
    assert_problem(generate(gateway, dashboard_key, 2004), 403)
    activity = {"title": "Utvecklingsarbete om SIP i Dalarna", "kind": "development_work",
                "starts_on": "2024-02-01", "ends_on": "2024-11-30", "county_code": "20", "rss_ids": ["rss-20"],
                "description": "Samordnad individuell plan, åtta kommuner och regionen."}
    own = gateway.post("/reporting/activities", headers=county_key, json=activity)
    assert own.status_code == 201, own.text
    assert (own.json()["county_code"], own.json()["recorded_by"]) == ("20", "county-20-dalarna")
    assert gateway.get(f"/reporting/activities/{own.json()['id']}", headers=dashboard_key).json() == own.json()
    assert_problem(gateway.post("/reporting/activities", headers=county_key,
                                json={**activity, "county_code": "01", "rss_ids": ["rss-01"]}), 403,
                   field="body.county_code")
    assert_problem(gateway.post("/reporting/activities", headers=county_key, json={**activity, "rss_ids": ["rss-01"]}),
                   403, field="body.rss_ids")
    assert_problem(gateway.post("/reporting/activities", headers=county_key, json={**activity, "county_code": None}),
                   403, field="body.county_code")
    assert_problem(gateway.post("/reporting/activities", headers=county_key,
                                json={**activity, "rss_ids": ["rss-99"]}), 422, field="body.rss_ids",
                   rule="unknown_reference")
    assert_problem(gateway.post("/reporting/activities", headers=county_key,
                                json={**activity, "ends_on": "2024-01-31"}), 422, field="body.ends_on",
                   rule="period_order")
    national = gateway.post("/reporting/activities", headers=admin_key, json={
        **activity, "title": "Partnerskapets årsmöte", "kind": "conference", "county_code": None,
        "rss_ids": ["rss-20", "rss-01"], "network_ids": ["partnerskapet"]})
    assert national.status_code == 201 and national.json()["county_code"] is None, national.text
    listed = gateway.get("/reporting/activities", params={"year": 2024, "county": "20"}, headers=county_key).json()
    assert own.json()["id"] in {a["id"] for a in listed["items"]}
    assert national.json()["id"] not in {a["id"] for a in listed["items"]}
    trail = gateway.get("/reporting/audit", params={"entity_id": own.json()["id"]}, headers=county_key).json()
    assert [(e["action"], e["actor"], e["county_code"]) for e in trail["items"]] == [
        ("record", "county-20-dalarna", "20")]
