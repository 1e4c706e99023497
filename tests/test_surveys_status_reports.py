"""County status reports through the gateway: SKR opens a reporting year (the status-report template sent to the
21 counties, due on a date), counties submit their reports with the deciding body, its level, the date and who
signed in which roles, and SKR's compilation reproduces the counts seed 004 made by hand (signed by whom, for which
principals, decided at which level) beside each county's answers, with who reported on time."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from tests.support import assert_problem
from tests.surveys_requests import answer

COUNTIES = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
            "22", "23", "24", "25"]
POINTS = ["struktur", "politiskt-agarskap", "funktionsnedsattning", "halso-och-sjukvard", "langsiktigt-atagande",
          "kontaktfunktion", "fou-miljoer", "alternativa-utforare", "utvecklingsledare", "brukarmedverkan",
          "universitet", "verksamhetsnara-stod"]


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
        "beslut.niva": "politisk" if n % 3 != 2 else "tjansteman",
        "beslut.omfang": "lokal" if n == 5 else "regional",
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
    levels = Counter(r["beslut.niva"] for r in sent.values())
    assert {t["code"]: t["count"] for t in compiled["decided_at"]} == {"politisk": levels["politisk"],
                                                                       "tjansteman": levels["tjansteman"]}
    assert {t["code"]: t["count"] for t in compiled["decided_where"]} == {"lokal": 1, "regional": 11,
                                                                          "nationell": 0}

    by_county = {c["county_code"]: c for c in compiled["counties"]}
    assert len(by_county) == 21 and by_county["01"]["organisation_id"] == "county-01"
    stockholm = by_county["01"]
    assert (stockholm["status"], stockholm["on_time"], stockholm["decision_level"], stockholm["decision_body"],
            stockholm["signatory_roles"]) == ("submitted", True, "politisk", "Regionförbundets styrelse",
                                              ["forvaltningschef", "landstingsdirektor"])
    assert stockholm["answers"]["punkt.kontaktfunktion"] == "Länets redovisning av punkten kontaktfunktion."
    assert (by_county["21"]["status"], by_county["21"]["on_time"]) == ("missing", None)
    assert (by_county["20"]["status"], by_county["20"]["on_time"]) == ("draft", None)  # saved, not yet sent


def test_a_report_after_the_due_date_is_not_on_time(gateway, admin_key, county_key):
    year = open_year(gateway, admin_key, 2013, date.today() - timedelta(days=1))
    assert year["status"] == "open"
    refused = answer(gateway, county_key, year["round_id"], "county-20", {**report(1), "beslut.niva": "kommunal"})
    assert_problem(refused, 422, field="answers.beslut.niva", rule="answer_option")
    assert answer(gateway, county_key, year["round_id"], "county-20", report(1)).status_code == 201
    compiled = gateway.get("/surveys/status-reports/2013", headers=admin_key).json()
    assert (compiled["submitted"], compiled["on_time"], compiled["after_due"]) == (1, 0, 1)
    dalarna = next(c for c in compiled["counties"] if c["county_code"] == "20")
    assert (dalarna["on_time"], dalarna["late"]) == (False, False)
    years = gateway.get("/surveys/status-reports", headers=county_key).json()
    assert {y["year"] for y in years} >= {2012, 2013}


def test_only_national_administrators_open_a_reporting_year(gateway, county_key):
    assert_problem(gateway.post("/surveys/status-reports", headers=county_key, json={
        "year": 2014, "due_on": "2015-01-31", "opens_on": "2014-12-01"}), 403)
