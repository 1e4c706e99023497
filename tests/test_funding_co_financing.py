"""Co-financing through the gateway: Dalarna's 2023-2026 agreement (four development-leader posts at 1 MSEK a
year, half from the region, half from the 15 municipalities by the registry's populations) against the previous
one, and a phase-in where the principals pay 25 %, 50 % and then 100 %."""

from __future__ import annotations

from fractions import Fraction

from tests.funding_requests import DALARNA, unique
from tests.support import assert_problem

PREVIOUS_2022 = {"2084": "97515", "2081": "222257", "2080": "254273", "2026": "44643", "2083": "65690",
                 "2029": "68106", "2085": "112694", "2023": "43205", "2062": "87623", "2034": "29456",
                 "2031": "47161", "2061": "46506", "2082": "47747", "2021": "28767", "2039": "29894"}


def dalarna_terms(**change) -> dict:
    return {"name": "Utvecklingsledare i Dalarna 2023-2026", "county_code": "20", "first_year": 2023,
            "last_year": 2026, "cost_items": [{"name": "Utvecklingsledare", "posts": 4, "cost_per_post": "1000000"}],
            "region_percent": "50", "basis_year": 2022,
            "previous": {"region": "1225535", "municipalities": PREVIOUS_2022}, **change}


def test_dalarna_2023_2026_yearly_claims_and_the_comparison_with_the_previous_agreement(gateway, county_key):
    body = {"id": unique("samfinansiering"), **dalarna_terms()}
    created = gateway.post("/funding/co-financing", json=body, headers=county_key)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["yearly_cost"] == "4000000.00" and [y["year"] for y in answer["years"]] == [2023, 2024, 2025, 2026]
    year = answer["years"][0]
    assert (year["region"], year["municipalities"], year["state"]) == ("2000000.00", "2000000.00", "0.00")
    claims = {c["party"]: c for c in year["claims"]}
    assert len(claims) == 16 and sum(Fraction(c["amount"]) for c in year["claims"]) == 4_000_000
    assert claims["2080"]["name"] == "Falun" and {c["name"] for c in year["claims"]} >= {n for _, n, *_ in DALARNA}

    registry = gateway.get("/actors/municipalities", params={"county": "20", "limit": 50}).json()["items"]
    population = {m["code"]: next(p["population"] for p in m["populations"] if p["year"] == 2022) for m in registry}
    for code, people in population.items():  # within a krona of the exact population share
        assert abs(Fraction(claims[code]["amount"]) - Fraction(2_000_000 * people, sum(population.values()))) < 1

    region = next(row for row in answer["comparison"] if row["party"] == "region")
    assert (region["previous"], region["new"], region["difference"]) == ("1225535.00", "2000000.00", "774465.00")
    falun = next(row for row in answer["comparison"] if row["party"] == "2080")
    assert Fraction(falun["difference"]) == Fraction(falun["new"]) - 254273
    again = gateway.get(f"/funding/co-financing/{body['id']}", headers=county_key).json()
    assert again["years"] == answer["years"] and again["comparison"] == answer["comparison"]
    retry = gateway.post("/funding/co-financing", json=body, headers=county_key)
    assert retry.status_code == 200 and retry.json()["comparison"] == answer["comparison"]
    assert_problem(gateway.post("/funding/co-financing", json={**body, "region_percent": "60"}, headers=county_key),
                   409, field="body.id", rule="id_in_use")


def test_a_phase_in_where_the_principals_take_over_the_cost(gateway, county_key):
    terms = dalarna_terms(first_year=2014, last_year=2017, previous=None, phase_in=[
        {"year": 2014, "principals_percent": "25"}, {"year": 2015, "principals_percent": "50"}])
    preview = gateway.post("/funding/co-financing/preview", json=terms, headers=county_key)
    assert preview.status_code == 200, preview.text
    years = {y["year"]: y for y in preview.json()["years"]}
    assert [(years[y]["principals_percent"], years[y]["state"], years[y]["region"]) for y in (2014, 2015, 2016, 2017)] \
        == [("25", "3000000.00", "500000.00"), ("50", "2000000.00", "1000000.00"),
            ("100", "0.00", "2000000.00"), ("100", "0.00", "2000000.00")]
    assert preview.json()["comparison"][0]["previous"] is None


def test_co_financing_is_the_countys_own_and_its_terms_are_checked(stack, gateway, county_key, dashboard_key):
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    body = {"id": unique("samfinansiering"), **dalarna_terms()}
    assert_problem(gateway.post("/funding/co-financing", json=body, headers=stockholm), 403,
                   field="body.county_code")
    assert_problem(gateway.post("/funding/co-financing", json=body, headers=dashboard_key), 403)
    assert_problem(gateway.post("/funding/co-financing", json={**body, "basis_year": 1990},
                                headers=county_key), 422, field="body.basis_year",
                   rule="population_published")
    late = {**body, "phase_in": [{"year": 2030, "principals_percent": "50"}]}
    assert_problem(gateway.post("/funding/co-financing", json=late, headers=county_key), 422,
                   field="body.phase_in.0", rule="within_agreement")
    assert_problem(gateway.post("/funding/co-financing", json={**body, "cost_items": [
        {"name": "Utvecklingsledare", "posts": 4, "cost_per_post": 1000000.0}]}, headers=county_key),
        422, field="body.cost_items.0.cost_per_post", rule="money_not_float")
    assert_problem(gateway.post("/funding/co-financing", json={**body, "cost_items": []}, headers=county_key), 422,
                   field="body.cost_items", rule="not_empty")
    assert gateway.get(f"/funding/co-financing/{body['id']}", headers=county_key).status_code == 404
