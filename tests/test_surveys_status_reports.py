"""County status reports through the gateway: SKR opens a reporting year (the status-report template sent to the
21 counties, due on a date), counties submit their reports with the deciding body, its level, the date and who
signed in which roles, and SKR's compilation reproduces the counts seed 004 made by hand (signed by whom, for which
principals, decided at which level) beside each county's answers, with who reported on time. The 2013 county plans
are brought in as seed 004 tells them: sent in November 2013, recorded now with that effective day, and decided
at more than one level (Skåne) or in more than one place (Jönköping)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tests.support import assert_problem
from tests.surveys_requests import answer, export_rows, read_as_of

COUNTIES = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
            "22", "23", "24", "25"]
POINTS = ["struktur", "politiskt-agarskap", "funktionsnedsattning", "halso-och-sjukvard", "langsiktigt-atagande",
          "kontaktfunktion", "fou-miljoer", "alternativa-utforare", "utvecklingsledare", "brukarmedverkan",
          "universitet", "verksamhetsnara-stod"]


def today_in_sweden() -> date:
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


def with_offset(moment: str) -> datetime:
    """An ISO timestamp that carries its offset."""
    parsed = datetime.fromisoformat(moment)
    assert parsed.utcoffset() is not None, moment
    return parsed


def report(n: int) -> dict:
    """The n-th county's report: who signed and who decided vary, as in the 2013 county plans."""
    roles = ["region-eller-forbundsdirektor"] if n % 3 != 0 else ["forvaltningschef"]
    if n % 2 == 0:
        roles.append("landstingsdirektor")
    if n in (1, 4):
        roles.append("fortroendevald")
    return {
        **{f"punkt.{p}": f"Länets redovisning av punkten {p}." for p in POINTS},
        "plan.brukarmedverkan-framat": "Brukarråd i varje kommun under 2014.",
        "beslut.organ": "Regionförbundets styrelse" if n % 3 != 2 else "Länsgemensam samverkansgrupp av chefer",
        "beslut.niva": ["politisk"] if n % 3 != 2 else ["tjansteman"],
        "beslut.omfang": ["lokal"] if n == 5 else ["regional"],
        "beslut.datum": "2013-11-01",
        "underskrifter.namn": "Fiktiv Direktörsson, regiondirektör\nExempel Chefsdotter, socialchef",
        "underskrifter.roller": roles,
        "underskrifter.huvudman": ["kommunerna", "landstinget"] if n % 2 == 0 else ["landstinget"],
    }


def open_year(gateway, admin_key, year: int, due_on: date) -> dict:
    opened = gateway.post("/surveys/status-reports", headers=admin_key, json={
        "year": year, "due_on": due_on.isoformat(), "opens_on": (date.today() - timedelta(days=10)).isoformat(),
        "closes_on": "2099-12-31"})
    assert opened.status_code == 201, opened.text
    return opened.json()


def test_the_compilation_reproduces_the_hand_made_counts(gateway, admin_key, county_key, dashboard_key):
    year = open_year(gateway, admin_key, 2012, date.today() + timedelta(days=1))
    assert (year["round_id"], year["targets"], year["status"]) == ("lagesrapport-2012", 21, "open")
    retried = gateway.post("/surveys/status-reports", headers=admin_key, json={
        "year": 2012, "due_on": year["due_on"], "opens_on": year["opens_on"], "closes_on": "2099-12-31"})
    assert (retried.status_code, retried.json()) == (200, year)  # a retry after a lost answer: the open year
    assert_problem(gateway.post("/surveys/status-reports", headers=admin_key, json={
        "year": 2012, "due_on": "2030-01-31", "opens_on": "2030-01-01"}), 409, field="body.year",
        rule="one_reporting_year")

    reporting = COUNTIES[:12]
    sent = {}
    for n, county in enumerate(reporting):
        headers = county_key if county == "20" else admin_key
        response = answer(gateway, headers, year["round_id"], f"county-{county}", report(n))
        assert response.status_code == 201, response.text
        sent[county] = report(n)
    dalarna = answer(gateway, county_key, year["round_id"], "county-20", report(20), submit=False)
    assert dalarna.status_code == 201 and dalarna.json()["status"] == "draft", dalarna.text

    assert_problem(gateway.get("/surveys/status-reports/2012", headers=county_key), 403)
    compiled = gateway.get("/surveys/status-reports/2012", headers=admin_key).json()
    assert gateway.get("/surveys/status-reports/2012", headers=dashboard_key).json() == compiled
    assert (compiled["targets"], compiled["submitted"], compiled["on_time"], compiled["after_due"],
            compiled["missing"]) == (21, 12, 12, 0, 9)

    roles = Counter(role for r in sent.values() for role in r["underskrifter.roller"])
    assert {t["code"]: t["count"] for t in compiled["signed_by"]} == {
        code: roles.get(code, 0) for code in ("region-eller-forbundsdirektor", "kommunsidan", "landstingsdirektor",
                                              "fortroendevald", "forvaltningschef", "enhetschef", "fou-forestandare")}
    assert all(t["denominator"] == 12 for t in compiled["signed_by"])
    assert next(t for t in compiled["signed_by"] if t["code"] == "region-eller-forbundsdirektor")["share"] == \
        round(8 / 12, 4)  # "two thirds signed by the regional or association director"
    both = sum(1 for r in sent.values() if set(r["underskrifter.huvudman"]) == {"kommunerna", "landstinget"})
    assert (compiled["signed_for_both"]["count"], compiled["signed_for_both"]["denominator"]) == (both, 12)
    levels = Counter(level for r in sent.values() for level in r["beslut.niva"])
    assert {t["code"]: t["count"] for t in compiled["decided_at"]} == {"politisk": levels["politisk"],
                                                                       "tjansteman": levels["tjansteman"]}
    assert {t["code"]: t["count"] for t in compiled["decided_where"]} == {"lokal": 1, "regional": 11,
                                                                          "nationell": 0}

    by_county = {c["county_code"]: c for c in compiled["counties"]}
    assert len(by_county) == 21 and by_county["01"]["organisation_id"] == "county-01"
    stockholm = by_county["01"]
    assert (stockholm["status"], stockholm["on_time"], stockholm["decision_body"],
            stockholm["signatory_roles"]) == ("submitted", True, "Regionförbundets styrelse",
                                              ["forvaltningschef", "landstingsdirektor"])
    assert stockholm["decision_level"] == ["politisk"] and stockholm["decision_scope"] == ["regional"]
    assert stockholm["answers"]["punkt.kontaktfunktion"] == "Länets redovisning av punkten kontaktfunktion."
    assert (by_county["21"]["status"], by_county["21"]["on_time"]) == ("missing", None)
    assert (by_county["20"]["status"], by_county["20"]["on_time"]) == ("draft", None)  # saved, not yet sent

    exported = "/surveys/status-reports/2012/exports/compilation"
    assert_problem(gateway.get(exported + ".csv", headers=county_key), 403)
    rows = {r["county_code"]: r for r in export_rows(gateway.get(exported + ".csv", headers=admin_key))}
    assert (rows["01"]["county_name"], rows["01"]["status"], rows["01"]["on_time"], rows["01"]["beslut.datum"]) \
        == ("Stockholms län", "submitted", "ja", "2013-11-01")
    assert rows["01"]["decision_level"] == "politisk" and rows["21"]["on_time"] == ""
    sheet = load_workbook(io.BytesIO(gateway.get(exported + ".xlsx", headers=admin_key).content)).worksheets[0]
    labels, ids, *body = sheet.iter_rows(values_only=True)
    assert labels[ids.index("beslut.datum")] == "Beslutsdatum" and sheet.freeze_panes == "A3"
    cell = dict(zip(ids, next(r for r in body if r[ids.index("county_code")] == "01"), strict=True))
    assert cell["on_time"] is True and cell["late"] is False
    assert isinstance(cell["beslut.datum"], date) and cell["beslut.datum"].date() == date(2013, 11, 1)
    assert datetime.fromisoformat(cell["submitted_at"]).utcoffset() is not None


def test_a_report_after_the_due_date_is_not_on_time(gateway, admin_key, county_key):
    year = open_year(gateway, admin_key, 2025, date.today() - timedelta(days=1))
    assert year["status"] == "open"
    refused = answer(gateway, county_key, year["round_id"], "county-20", {**report(1), "beslut.niva": ["kommunal"]})
    assert_problem(refused, 422, field="answers.beslut.niva", rule="answer_option")
    sent = answer(gateway, county_key, year["round_id"], "county-20", report(1))
    assert sent.status_code == 201 and sent.json()["submitted_on"] == today_in_sweden().isoformat(), sent.text
    compiled = gateway.get("/surveys/status-reports/2025", headers=admin_key).json()
    assert (compiled["submitted"], compiled["on_time"], compiled["after_due"]) == (1, 0, 1)
    dalarna = next(c for c in compiled["counties"] if c["county_code"] == "20")
    assert (dalarna["on_time"], dalarna["late"]) == (False, False)
    years = gateway.get("/surveys/status-reports", headers=county_key).json()["items"]
    assert {y["year"] for y in years} >= {2012, 2025}


def test_only_national_administrators_open_a_reporting_year(gateway, county_key):
    assert_problem(gateway.post("/surveys/status-reports", headers=county_key, json={
        "year": 2014, "due_on": "2015-01-31", "opens_on": "2014-12-01"}), 403)


# Seed 004: who decided each county's 2013 plan. Eight region or association boards and six county collaboration
# groupings with elected members (political level), Jönköping's primary-municipal committee together with the
# boards or committees of every municipality in the county (political; county-wide and local), and groups of
# senior officials in six counties, Skåne among them: Skåne's plan was decided "wholly or partly" at political
# level, in the municipal association's board and in a county group of senior officials.
BOARDS = ["20", "09", "07", "25", "12", "04", "03", "19"]
GROUPINGS = ["23", "08", "01", "24", "14", "05"]
OFFICIALS = ["18", "10", "21", "13", "12", "17", "22"]
SKANE, JONKOPING = "12", "06"
# Who signed: the seed names the counties where elected chairs (Jönköping, Stockholm), municipal heads of
# department (Halland, Blekinge), unit heads (Dalarna, Kalmar) and an R&D director (Värmland) signed. Its other
# counts (two thirds by the regional or association director, ten by the county council or health director, just
# over half for both sides) name no county: which counties carry them here is this test's choice, the counts are
# the seed's.
NAMED_SIGNERS = {"fortroendevald": ["06", "01"], "forvaltningschef": ["13", "10"], "enhetschef": ["20", "08"],
                 "fou-forestandare": ["17"]}
DIRECTORS = ["01", "03", "04", "05", "06", "07", "09", "12", "14", "18", "19", "22", "23", "24"]
COUNTY_COUNCIL_DIRECTORS = ["01", "03", "05", "06", "07", "12", "14", "19", "21", "25"]
BOTH_SIDES = ["01", "03", "05", "06", "07", "08", "12", "14", "19", "21", "23"]


def plan_2013(county: str) -> dict:
    """County `county`'s 2013 plan as seed 004 tells it (fictional signatories' names)."""
    levels = (["politisk"] if county in BOARDS + GROUPINGS + [JONKOPING] else []) + (
        ["tjansteman"] if county in OFFICIALS else [])
    if county == JONKOPING:
        body, scope = "Primärkommunala nämnden samt styrelser eller nämnder i länets samtliga kommuner", [
            "lokal", "regional"]
    elif county == SKANE:
        body, scope = "Kommunförbundets styrelse och länsgemensam samverkansgrupp av högre chefer", ["regional"]
    elif county in BOARDS:
        body, scope = "Region- eller kommunförbundets styrelse", ["regional"]
    elif county in GROUPINGS:
        body, scope = "Länssamverkansgrupp med förtroendevalda från kommuner och landsting", ["regional"]
    else:
        body, scope = "Länsgemensam grupp av högre chefer", ["regional"]
    roles = [role for role, counties in NAMED_SIGNERS.items() if county in counties]
    roles += ["region-eller-forbundsdirektor"] if county in DIRECTORS else []
    roles += ["landstingsdirektor"] if county in COUNTY_COUNCIL_DIRECTORS else []
    return {
        **{f"punkt.{p}": f"Länsplanens redovisning av punkten {p}." for p in POINTS},
        "plan.beslut-kommande-ar": "Beslut om finansiering under 2014 och 2015.",
        "beslut.organ": body, "beslut.niva": levels, "beslut.omfang": scope, "beslut.datum": "2013-10-28",
        "underskrifter.namn": "Fiktiv Förbundsdirektörsson, förbundsdirektör",
        "underskrifter.roller": roles,
        "underskrifter.huvudman": ["kommunerna", "landstinget"] if county in BOTH_SIDES else ["kommunerna"],
    }


def sent_in_november(county: str) -> str:
    """The day the county's plan reached SKL: in November 2013, by the 15th (every county was on time)."""
    return date(2013, 11, 1 + COUNTIES.index(county) % 15).isoformat()


def test_the_2013_county_plans_brought_in_with_their_own_dates_and_counted_as_seed_004_counts_them(
        gateway, admin_key, county_key):
    opened = gateway.post("/surveys/status-reports", headers=admin_key, json={
        "year": 2013, "opens_on": "2013-04-01", "due_on": "2013-11-15"})  # SKL's memo of April 2013
    assert opened.status_code == 201, opened.text
    year = opened.json()
    assert (year["closes_on"], year["status"], year["targets"]) == ("2014-12-31", "closed", 21)
    template = gateway.get("/surveys/questionnaires/lagesrapport", headers=admin_key).json()
    decision = {i["link_id"]: i["type"] for i in template["items"][2]["items"]}
    assert (template["version"], decision["beslut.niva"], decision["beslut.omfang"]) == (
        2, "multiple_choice", "multiple_choice")
    url = f"/surveys/rounds/{year['round_id']}/responses"

    # Only a national administrator gives a day other than today, and never one outside the round or ahead.
    backdated = gateway.post(url, headers={**county_key, "Idempotency-Key": "plan-2013-dalarna-backdated"}, json={
        "respondent_id": "county-20", "answers": plan_2013("20"), "submit": True, "submitted_on": "2013-11-14"})
    assert_problem(backdated, 403, field="body.submitted_on", rule="forbidden")
    for day, rule in (("2013-03-31", "within_round"), ((today_in_sweden() + timedelta(days=1)).isoformat(),
                                                       "not_in_future")):
        refused = gateway.post(url, headers={**admin_key, "Idempotency-Key": f"plan-2013-refused-{day}"}, json={
            "respondent_id": "county-20", "answers": plan_2013("20"), "submit": True, "submitted_on": day})
        assert_problem(refused, 422, field="body.submitted_on", rule=rule)
    draft = gateway.post(url, headers={**admin_key, "Idempotency-Key": "plan-2013-draft"}, json={
        "respondent_id": "county-20", "answers": plan_2013("20"), "submit": False, "submitted_on": "2013-11-14"})
    assert_problem(draft, 422, field="body.submitted_on", rule="submitted_on_with_submission")

    before = datetime.now().astimezone()
    for county in COUNTIES:
        sent = gateway.post(url, headers={**admin_key, "Idempotency-Key": f"plan-2013-{county}"}, json={
            "respondent_id": f"county-{county}", "answers": plan_2013(county), "submit": True,
            "submitted_on": sent_in_november(county)})
        assert sent.status_code == 201, sent.text
        assert (sent.json()["submitted_on"], sent.json()["late"]) == (sent_in_november(county), False)

    skane = gateway.get(f"{url}/county-{SKANE}", headers=admin_key).json()
    assert skane["answers"]["beslut.niva"] == ["politisk", "tjansteman"]
    assert skane["submitted_on"] == sent_in_november(SKANE)
    recorded = with_offset(skane["submitted_at"])  # recorded now, whatever day it took effect
    assert recorded >= before - timedelta(seconds=5) and with_offset(skane["recorded_at"]) >= recorded
    history = gateway.get(f"{url}/county-{SKANE}/history", headers=admin_key).json()["revisions"]
    assert [(r["submitted_on"], r["late"]) for r in history] == [(sent_in_november(SKANE), False)]
    assert with_offset(history[0]["recorded_at"]) >= before - timedelta(seconds=5)

    compiled = gateway.get("/surveys/status-reports/2013", headers=admin_key).json()
    assert (compiled["targets"], compiled["submitted"], compiled["on_time"], compiled["after_due"],
            compiled["missing"]) == (21, 21, 21, 0, 0)
    decided_at = {t["code"]: (t["count"], t["denominator"]) for t in compiled["decided_at"]}
    assert decided_at == {"politisk": (15, 21), "tjansteman": (7, 21)}  # "just over two thirds" political
    assert {t["code"]: t["count"] for t in compiled["decided_where"]} == {"lokal": 1, "regional": 21, "nationell": 0}
    by_county = {c["county_code"]: c for c in compiled["counties"]}
    assert (by_county[SKANE]["decision_level"], by_county[SKANE]["decision_scope"]) == (
        ["politisk", "tjansteman"], ["regional"])
    assert (by_county[JONKOPING]["decision_level"], by_county[JONKOPING]["decision_scope"]) == (
        ["politisk"], ["lokal", "regional"])
    assert all(c["on_time"] and not c["late"] for c in compiled["counties"])
    assert by_county["20"]["submitted_on"] == sent_in_november("20")
    assert with_offset(by_county["20"]["submitted_at"]) >= before - timedelta(seconds=5)
    signed = {t["code"]: t["count"] for t in compiled["signed_by"]}
    assert signed == {"region-eller-forbundsdirektor": 14, "kommunsidan": 0, "landstingsdirektor": 10,
                      "fortroendevald": 2, "forvaltningschef": 2, "enhetschef": 2, "fou-forestandare": 1}
    assert compiled["signed_for_both"]["count"] == 11  # "just over half"

    # A national administrator corrects a report's effective day: after the due date, it is no longer on time.
    moved = gateway.put(f"{url}/county-{SKANE}", headers=read_as_of(gateway, admin_key, f"{url}/county-{SKANE}"), json={
        "answers": plan_2013(SKANE), "submitted_on": "2013-11-20"})
    assert moved.status_code == 200 and (moved.json()["submitted_on"], moved.json()["late"]) == (
        "2013-11-20", False), moved.text
    compiled = gateway.get("/surveys/status-reports/2013", headers=admin_key).json()
    assert (compiled["on_time"], compiled["after_due"]) == (20, 1)


def test_a_year_on_the_first_version_keeps_one_level_and_scope_per_report(gateway, admin_key, county_key):
    first = gateway.get("/surveys/questionnaires/lagesrapport/versions/1", headers=county_key).json()
    assert {i["link_id"]: i["type"] for i in first["items"][2]["items"]}["beslut.niva"] == "single_choice"
    opened = gateway.post("/surveys/status-reports", headers=admin_key, json={
        "year": 2011, "version": 1, "opens_on": (date.today() - timedelta(days=10)).isoformat(),
        "due_on": (date.today() + timedelta(days=10)).isoformat(), "closes_on": "2099-12-31"})
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["round_id"]
    single = {**plan_2013("20"), "beslut.niva": "politisk", "beslut.omfang": "regional"}
    assert answer(gateway, county_key, round_id, "county-20", single).status_code == 201
    two = answer(gateway, admin_key, round_id, f"county-{SKANE}", plan_2013(SKANE))
    assert_problem(two, 422, field="answers.beslut.niva", rule="type")  # version 1 takes one level
    compiled = gateway.get("/surveys/status-reports/2011", headers=admin_key).json()
    dalarna = next(c for c in compiled["counties"] if c["county_code"] == "20")
    assert (dalarna["decision_level"], dalarna["decision_scope"], dalarna["on_time"]) == (
        ["politisk"], ["regional"], True)
    assert {t["code"]: t["count"] for t in compiled["decided_at"]} == {"politisk": 1, "tjansteman": 0}
