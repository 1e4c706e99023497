"""The national dashboard through the real gateway, as an anonymous browser reaches it (no key): its numbers are
the API's for the same year and date, a county's page is the county's, an address that names nothing is a Swedish
404 page, nothing from an address is echoed unescaped, the pages allow only their own files, and a service that is
down costs its sections and nothing else.

The platform is a stack of its own with the demo year loaded through the API (tests/conftest.py,
dashboard_stack); the page is compared with what the API answers the dashboard's own key."""

from __future__ import annotations

import io
import re
import time
from datetime import date
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook

from deploy.demo_year import load_demo_year
from tests.dashboard_html import kronor_text, ore, percent_text, read_page
from tests.surveys_requests import contact_point

YEAR = date.today().year
DAY = date.today().isoformat()
MONEY = ("allocated", "requisitioned", "paid", "reported_spent", "to_repay", "repaid")
PAYLOADS = ['<script>alert("xss")</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)' x='",
            "javascript:alert(1)", "</title><svg onload=alert(1)>"]


@pytest.fixture(scope="module")
def site(dashboard_stack) -> httpx.Client:
    """The browser's view: the gateway's origin, no key."""
    with httpx.Client(base_url=dashboard_stack.gateway_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def api(dashboard_stack) -> httpx.Client:
    """The API as the dashboard role reads it."""
    with httpx.Client(base_url=dashboard_stack.gateway_url, timeout=60,
                      headers={"X-API-Key": dashboard_stack.keys["dashboard"]}) as client:
        yield client


def page_of(site: httpx.Client, path: str):  # type: ignore[no-untyped-def]
    response = site.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return read_page(response.text)


def test_the_national_money_per_county_is_fundings_balances_for_the_year_and_date(site, api):
    page = page_of(site, f"/dashboard/?ar={YEAR}&datum={DAY}")
    balances = api.get("/funding/balances", params={"by": "county", "year": YEAR, "as_of": DAY}).json()
    rows = page.tables["pengar-per-lan"]
    counties = [g for g in balances["groups"] if g["group"]]
    assert {"20", "01"} <= {g["group"] for g in counties}, "the demo year gives Dalarna and Stockholm money"
    for group in counties:
        row = rows[group["group"]]
        for column in MONEY:
            assert row[column].value == str(ore(group[column])), (group["group"], column)
            assert row[column].text == kronor_text(ore(group[column])), (group["group"], column)
    for column in MONEY:
        assert rows["total"][column].value == str(ore(balances["total"][column]))
    untouched = rows["09"]  # Gotland: no money in the demo year
    assert untouched["allocated"].text == "0\u00a0kr"
    assert rows["20"]["county"].text == "Dalarnas län"

    by_agreement = api.get("/funding/balances", params={"by": "agreement", "year": YEAR, "as_of": DAY}).json()
    agreements = page.tables["pengar-per-overenskommelse"]
    assert {k for k in agreements if k != "total"} == {g["group"] for g in by_agreement["groups"]}
    for group in by_agreement["groups"]:
        assert agreements[group["group"]]["paid"].value == str(ore(group["paid"]))


def test_the_response_rates_and_needs_are_the_surveys_answers(site, api):
    page = page_of(site, f"/dashboard/?ar={YEAR}&datum={DAY}")
    rounds = api.get("/surveys/rounds", params={"questionnaire": "behovsinventering", "year": YEAR}).json()["items"]
    national = max(rounds, key=lambda r: (r["targets"], r["opens_on"], r["id"]))
    rates = api.get(f"/surveys/rounds/{national['id']}/response-rates").json()
    previous = api.get(f"/surveys/rounds/{rates['previous_round_id']}/response-rates").json()
    before = {c["county_code"]: c for c in previous["counties"]}
    rows = page.tables["svarsfrekvens"]
    assert len([k for k in rows if k != "total"]) == len(rates["counties"]) == 21
    for rate in rates["counties"]:
        row = rows[rate["county_code"]]
        assert (row["targets"].value, row["submitted"].value) == (str(rate["targets"]), str(rate["submitted"]))
        assert row["share"].value == str(rate["share"]) and row["share"].text == percent_text(rate["share"])
        assert row["previous_share"].value == str(before[rate["county_code"]]["share"])
    assert rows["total"]["submitted"].value == str(rates["nation"]["submitted"])

    needs = api.get(f"/surveys/rounds/{national['id']}/needs").json()["nation"]
    top = page.tables["behov-nationellt"]
    assert list(top) == [n["code"] for n in needs["focus_areas"]]
    first = needs["focus_areas"][0]
    assert (top[first["code"]]["rank"].text, top[first["code"]]["mean"].value) == ("1", first["mean"])


def test_the_status_report_counts_are_the_compilations(site, api):
    page = page_of(site, f"/dashboard/?ar={YEAR}&datum={DAY}")
    compiled = api.get(f"/surveys/status-reports/{YEAR}").json()
    assert page.figures["submitted"] == (compiled["submitted"], compiled["targets"])
    assert page.figures["on_time"][0] == compiled["on_time"]
    assert page.figures["after_due"][0] == compiled["after_due"]
    assert page.figures["missing"] == (compiled["missing"], compiled["targets"])
    rows = page.tables["lagesrapporter"]
    for county in compiled["counties"]:
        expected = {"submitted": "Inlämnad", "missing": "Saknas"}.get(county["status"])
        if expected:
            assert rows[county["county_code"]]["status"].text == expected
        if county["on_time"] is not None:
            assert rows[county["county_code"]]["on_time"].text == ("ja" if county["on_time"] else "nej")


def test_a_countys_page_is_the_countys_money_needs_and_report(site, api):
    page = page_of(site, f"/dashboard/lan/20?ar={YEAR}&datum={DAY}")
    balances = api.get("/funding/balances",
                       params={"by": "agreement", "county": "20", "year": YEAR, "as_of": DAY}).json()
    rows = page.tables["pengar-per-overenskommelse"]
    assert balances["groups"]
    for group in balances["groups"]:
        for column in MONEY:
            assert rows[group["group"]][column].value == str(ore(group[column]))
    assert rows["total"]["allocated"].text == kronor_text(ore(balances["total"]["allocated"]))
    unpaid = api.get("/funding/follow-up/unpaid-claims", params={"county": "20"}).json()
    claims = page.tables.get("obetalda-aterkrav", {})
    assert {k for k in claims if k != "total"} == {c["id"] for c in unpaid["items"]}

    rates = page.tables["svarsfrekvens"]
    assert set(rates) == {"20", "total"}, "the county's own row and the nation's"
    assert "behov-i-lanet" in page.tables and "behov-nationellt" in page.tables
    report = page.tables["lagesrapporter"]
    assert set(report) == {"20"}
    assert page.tables["rss"]["rss-20"]["rss"].text == "RSS Dalarna"
    assert page.tables["rss"]["rss-20"]["host"].text == "Region Dalarna"


def test_the_partnerships_page_shows_every_party_and_its_contact_path(site, dashboard_stack):
    admin = {"X-API-Key": dashboard_stack.keys["skr-admin"]}
    with httpx.Client(base_url=dashboard_stack.gateway_url, timeout=30) as gateway:
        contact_point(gateway, admin, "rss-20", "rss.dalarna@example.org")
    page = page_of(site, "/dashboard/partnerskapet")
    parties = page.tables["parter"]
    assert len(parties) == 2 + 24, "SKR, Socialstyrelsen and the 24 RSS"
    assert parties["skr"]["party"].text == "Sveriges Kommuner och Regioner"
    assert "rss.dalarna@example.org" in parties["rss-20"]["fixed_function"].text
    assert parties["rss-01"]["fixed_function"].text == "fast funktion utan registrerad kontaktväg"
    assert "natverk" in page.tables


def test_a_countys_history_names_what_changed_between_the_dates(site, api):
    page = page_of(site, "/dashboard/lan/01/historik?fran=2016-06-01&till=2019-06-01")
    compared = page.tables["jamforelse"]
    parties = compared["rss-01:parties"]
    assert "Storsthlm" in parties["after"].text and "tillkom" in parties["change"].text
    history = api.get("/actors/organisations/rss-01/history").json()
    between = [e for e in history["timeline"] if e["on"] and "2016-06-01" <= e["on"] <= "2019-06-01"]
    events = page.tables["handelser"]
    assert between and len(events) == len(between)
    assert sorted(row["on"].text for row in events.values()) == sorted(e["on"] for e in between)
    assert any(row["event"].text == "Storsthlm blir medlem i RSS Stockholms län" for row in events.values())


def test_an_address_that_names_nothing_is_a_swedish_404_page(site):
    for path in ("/dashboard/lan/99", "/dashboard/?ar=1700", "/dashboard/lan/20?ar=1700", "/dashboard/?ar=tjugo",
                 "/dashboard/lan/abc", "/dashboard/finns-inte", "/dashboard/lan/20/tabeller/finns-inte.csv"):
        response = site.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert '<html lang="sv">' in response.text and "Sidan finns inte" in response.text, path
        assert "Traceback" not in response.text and not response.text.lstrip().startswith("{")
    unreadable = site.get("/dashboard/?datum=2026-13-45")
    assert unreadable.status_code == 400 and "Datumet kan inte läsas" in unreadable.text


def test_nothing_from_the_address_is_echoed_unescaped(site, dashboard_stack):
    # Text stored through the API is escaped too: an agreement named like an attack.
    admin = {"X-API-Key": dashboard_stack.keys["skr-admin"]}
    hostile = '<img src=x onerror=alert(1)> & "avtal"'
    created = httpx.post(dashboard_stack.gateway_url + "/funding/agreements", headers=admin, timeout=30, json={
        "id": f"xss-{YEAR}", "name": hostile, "registry_number": "S-XSS", "first_year": YEAR, "last_year": YEAR,
        "areas": ["test"], "lines": [{"id": f"xss-{YEAR}-1", "area": "test", "year": YEAR, "total": "1.00",
                                      "allocation_key": "equal", "requisition_last_date": f"{YEAR}-12-31",
                                      "report_due_date": f"{YEAR + 1}-12-31"}]})
    assert created.status_code in (200, 201), created.text
    pages = ["/dashboard/", "/dashboard/lan/20", "/dashboard/partnerskapet", "/dashboard/lan/20/historik",
             "/dashboard/visa"]
    for payload in PAYLOADS:
        for path in pages:
            for name in ("ar", "datum", "lan", "fran", "till", "okand"):
                response = site.get(path, params={name: payload}, follow_redirects=True)
                assert response.status_code in (200, 400, 404), (path, name, response.status_code)
                assert payload not in response.text, (path, name, payload)
                assert "<img src=x" not in response.text and "<script>alert" not in response.text
        for path in (f"/dashboard/lan/{quote(payload, safe='')}", f"/dashboard/tabeller/{quote(payload, safe='')}.csv"):
            response = site.get(path)
            assert response.status_code == 404 and payload not in response.text
    page = site.get("/dashboard/").text
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;avtal&#34;" in page or \
        "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;avtal&quot;" in page


def test_pages_allow_only_their_own_files_and_carry_the_security_headers(site):
    response = site.get("/dashboard/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    page = read_page(response.text)
    assert page.lang == "sv"
    assert page.style_attributes == 0, "no inline styles"
    assert set(page.inline_scripts) <= {"application/json"}, "no inline script: data only"
    assert page.loads and all(u.startswith("/dashboard/static/") for u in page.loads), page.loads
    assert not [u for u in page.links if re.match(r"^[a-z]+://", u)], "every link stays on the platform"
    for asset in page.loads:
        answer = site.get(asset, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, asset
        assert "immutable" in answer.headers["cache-control"] and "max-age=31536000" in answer.headers["cache-control"]
        again = site.get(asset, headers={"If-None-Match": answer.headers["etag"], "Accept-Encoding": "gzip"})
        assert again.status_code == 304 and again.content == b""
        assert answer.headers["content-security-policy"] == policy
    unchanged = site.get("/dashboard/", headers={"If-None-Match": response.headers["etag"]})
    assert unchanged.status_code == 304, "the page is kept by its ETag while the platform's answers are unchanged"


def test_the_pages_show_no_persons_contact_details(site):
    for path in ("/dashboard/", "/dashboard/lan/01", "/dashboard/lan/20", "/dashboard/partnerskapet"):
        text = site.get(path).text
        assert "demo.person" not in text, path
        assert not re.search(r"signatory|firmatecknare@", text, re.IGNORECASE), path


def test_the_tables_download_as_csv_and_xlsx_with_the_pages_numbers(site, api):
    page = site.get(f"/dashboard/?ar={YEAR}&datum={DAY}").text
    link = re.search(r'href="(/dashboard/tabeller/pengar-per-lan\.csv\?[^"]+)"', page)
    assert link, "the money table offers its CSV"
    csv_file = site.get(link.group(1).replace("&amp;", "&"))
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_file.headers["content-disposition"]
    text = csv_file.content.decode("utf-8-sig")
    balances = api.get("/funding/balances", params={"by": "county", "year": YEAR, "as_of": DAY}).json()
    dalarna = next(g for g in balances["groups"] if g["group"] == "20")
    dalarna_row = next(line for line in text.splitlines() if line.startswith("Dalarnas län;"))
    assert dalarna_row.split(";")[1] == dalarna["allocated"].replace(".", ",")
    workbook = load_workbook(io.BytesIO(site.get(link.group(1).replace("&amp;", "&").replace(".csv", ".xlsx"))
                                        .content))
    sheet = workbook.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert float(rows["Dalarnas län"][1]) == float(dalarna["allocated"])


def test_the_partnerships_activities_are_shown_or_said_to_be_unavailable(site, api):
    page = page_of(site, f"/dashboard/?ar={YEAR}&datum={DAY}")
    answer = api.get("/reporting/activities", params={"year": YEAR})
    if answer.status_code == 200:
        assert "aktiviteter" not in page.unavailable
        assert len(page.tables.get("aktiviteter", {})) == answer.json()["count"]
    else:  # no reporting service on this platform: the section says so and the page stands
        assert "inte tillgängliga" in page.unavailable["aktiviteter"]
        assert "pengar-per-lan" in page.tables


def test_a_service_that_is_down_costs_its_sections_and_nothing_else(site, dashboard_stack):
    dashboard_stack.stop(("surveys",))
    try:
        response = site.get(f"/dashboard/?ar={YEAR}&datum={DAY}")
        assert response.status_code == 200
        page = read_page(response.text)
        assert "pengar-per-lan" in page.tables and page.tables["pengar-per-lan"]["20"]["allocated"].value != "0"
        assert "rss" in page.tables
        assert set(page.unavailable) >= {"enkater", "lagesrapporter"}
        assert "enkättjänsten svarar inte" in page.unavailable["enkater"]
        county = read_page(site.get("/dashboard/lan/20").text)
        assert "enkater" in county.unavailable and "pengar-per-overenskommelse" in county.tables
    finally:
        dashboard_stack.start(("surveys",))
        dashboard_stack.wait_ready()
    for _ in range(100):  # the gateway skips a replica that refused a connection for a moment
        if "enkater" not in read_page(site.get("/dashboard/").text).unavailable:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the surveys' sections did not come back after the service did")


def test_the_demo_year_loaded_twice_leaves_the_page_as_it_was(site, dashboard_stack):
    before = site.get(f"/dashboard/?ar={YEAR}&datum={DAY}")
    summary = load_demo_year(dashboard_stack.gateway_url, dashboard_stack.keys["skr-admin"])
    assert summary.already_loaded
    after = site.get(f"/dashboard/?ar={YEAR}&datum={DAY}", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 304
