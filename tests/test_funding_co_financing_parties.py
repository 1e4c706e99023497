"""Co-financing with the parties Dalarna's agreements actually have (seed 003), through the gateway: Barnahus
with the Police, the care college (Vård- och omsorgscollege) with 14 of the 15 municipalities, unions and
education providers, each party paying a fixed amount or a share, for the agreement's years or some of them."""

from __future__ import annotations

from fractions import Fraction

from tests.funding_requests import DALARNA, unique
from tests.registry_helpers import create_organisation
from tests.support import assert_problem

REGION_DALARNA = "region-20"
VANSBRO = "2021"


def police(gateway, admin_key) -> str:
    """The Police Authority: a national body, found in the registry or registered by a national administrator."""
    found = gateway.get("/actors/organisations", params={"name": "Polismyndigheten", "limit": 5}).json()["items"]
    if found:
        return found[0]["id"]
    return create_organisation(gateway, admin_key, name="Polismyndigheten", kind="government_agency",
                               id="polismyndigheten")["id"]


def seed_basis(gateway, county_key) -> str:
    """The count Dalarna's agreement states (seed 003), as a population basis of the registry."""
    body = {"id": unique("dalarna-underlag"), "name": "Befolkningsunderlag, RSS Dalarna 2023-2026",
            "source": "Region Dalarna, tjänsteskrivelse HSN 2022/1845", "reference_date": "2021-12-31",
            "rows": [{"code": code, "population": population} for code, _, population, _ in DALARNA]}
    response = gateway.post("/actors/population-bases", json=body, headers=county_key)
    assert response.status_code == 201, response.text
    return body["id"]


def money(value: str) -> Fraction:
    return Fraction(value)


def test_barnahus_with_the_police_a_fixed_amount_and_shares(gateway, admin_key, county_key):
    polisen = police(gateway, admin_key)
    basis = seed_basis(gateway, county_key)
    terms = {"id": unique("barnahus"), "name": "Barnahus i Dalarna 2023-2024", "county_code": "20",
             "first_year": 2023, "last_year": 2024,
             "cost_items": [{"name": "Samordnare", "posts": 2, "cost_per_post": "700000"}],
             "parties": [{"organisation": polisen, "amount": "300000"},
                         {"organisation": REGION_DALARNA, "share": "1/3"},
                         {"municipalities": "all", "basis": basis, "name": "Länets kommuner", "share": "2/3"}],
             "previous": {"parties": {polisen: "250000"}}}
    created = gateway.post("/funding/co-financing", json=terms, headers=county_key)
    assert created.status_code == 201, created.text
    answer = created.json()
    for year in answer["years"]:
        parties = {p["party"]: p for p in year["parties"]}
        assert (parties[polisen]["contribution"], parties[polisen]["amount"]) == ("amount", "300000.00")
        assert parties[polisen]["name"] == "Polismyndigheten"
        assert (parties[REGION_DALARNA]["share"], parties[REGION_DALARNA]["amount"]) == ("1/3", "366667.00")
        assert (parties["municipalities"]["amount"], parties["municipalities"]["basis"]) == ("733333.00", basis)
        assert sum(money(p["amount"]) for p in year["parties"]) == 1_400_000
        assert (year["region"], year["municipalities"], year["state"]) == (None, None, "0.00")
        claims = {c["party"]: c for c in year["claims"]}
        assert len(claims) == 17 and sum(money(c["amount"]) for c in year["claims"]) == 1_400_000
        members = [c for c in year["claims"] if c["part_of"] == "municipalities"]
        assert sum(money(c["amount"]) for c in members) == 733_333
        for code, name, population, _ in DALARNA:
            assert claims[code]["name"] == name
            assert abs(money(claims[code]["amount"]) - Fraction(733_333 * population, 288_382)) < 1
    police_row = next(r for r in answer["comparison"] if r["party"] == polisen)
    assert (police_row["previous"], police_row["difference"]) == ("250000.00", "50000.00")
    assert answer["basis"]["population_bases"][0]["id"] == basis
    assert gateway.get(f"/funding/co-financing/{terms['id']}", headers=county_key).json()["years"] == answer["years"]
    assert gateway.post("/funding/co-financing", json=terms, headers=county_key).status_code == 200


def test_the_care_college_with_14_municipalities_unions_and_education_providers(gateway, admin_key, county_key):
    basis = seed_basis(gateway, county_key)
    unions = create_organisation(gateway, county_key, name="Fackliga organisationer i Dalarna (demo)",
                                 kind="other", county_code="20")["id"]
    schools = create_organisation(gateway, county_key, name="Utbildningsanordnare i Dalarna (demo)",
                                  kind="other", county_code="20")["id"]
    fourteen = [code for code, *_ in DALARNA if code != VANSBRO]
    terms = {"name": "Vård- och omsorgscollege Dalarna", "county_code": "20", "first_year": 2019, "last_year": 2022,
             "cost_items": [{"name": "Processledare", "cost_per_post": "800000.50"}],
             "parties": [{"id": "vo-college-kommuner", "municipalities": fourteen, "basis": basis, "percent": "50",
                          "last_year": 2021},
                         {"organisation": unions, "amount": "100000.25", "last_year": 2021},
                         {"organisation": schools, "percent": "50", "last_year": 2021},
                         {"organisation": REGION_DALARNA, "percent": "100", "first_year": 2022}]}
    preview = gateway.post("/funding/co-financing/preview", json=terms, headers=county_key)
    assert preview.status_code == 200, preview.text
    answer = preview.json()
    assert answer["basis"]["rounding"] == "ore"
    years = {y["year"]: y for y in answer["years"]}
    for year in (2019, 2020, 2021):
        parties = {p["party"]: p for p in years[year]["parties"]}
        assert parties[unions]["amount"] == "100000.25"
        municipalities, providers = money(parties["vo-college-kommuner"]["amount"]), money(parties[schools]["amount"])
        assert {municipalities, providers} == {Fraction("350000.13"), Fraction("350000.12")}
        claims = years[year]["claims"]
        assert sum(money(c["amount"]) for c in claims) == Fraction("800000.50")  # exact to the öre
        members = {c["party"]: money(c["amount"]) for c in claims if c["part_of"] == "vo-college-kommuner"}
        assert sorted(members) == sorted(fourteen) and VANSBRO not in {c["party"] for c in claims}
        assert sum(members.values()) == municipalities
        basis_total = sum(p for code, _, p, _ in DALARNA if code != VANSBRO)
        for code, _, population, _ in DALARNA:
            if code != VANSBRO:  # within an öre of its exact part of the set's amount
                assert abs(members[code] - municipalities * population / basis_total) < Fraction(1, 100)
    assert [(c["party"], c["amount"]) for c in years[2022]["claims"]] == [(REGION_DALARNA, "800000.50")]


def test_the_parties_terms_are_checked(gateway, stack, admin_key, county_key):
    basis = seed_basis(gateway, county_key)
    base = {"name": "Samfinansiering", "county_code": "20", "first_year": 2023, "last_year": 2023,
            "cost_items": [{"name": "Tjänst", "cost_per_post": "1000000"}]}

    def preview(parties, **change):
        return gateway.post("/funding/co-financing/preview", json={**base, "parties": parties, **change},
                            headers=county_key)

    assert_problem(preview([{"organisation": REGION_DALARNA, "share": "1/2"},
                            {"municipalities": "all", "basis": basis, "share": "1/3"}]), 422,
                   field="body.parties", rule="shares_sum_to_whole")
    assert_problem(preview([{"organisation": REGION_DALARNA, "amount": "400000"}]), 422, field="body.parties",
                   rule="cost_covered")
    assert_problem(preview([{"organisation": REGION_DALARNA, "amount": "1000001"}]), 422, field="body.parties",
                   rule="fixed_within_cost")
    assert_problem(preview([{"organisation": "no-such-organisation", "percent": "100"}]), 422,
                   field="body.parties.0.organisation", rule="unknown_reference")
    assert_problem(preview([{"organisation": REGION_DALARNA, "percent": "100", "amount": "1"}]), 422,
                   field="body.parties.0", rule="one_contribution")
    assert_problem(preview([{"organisation": REGION_DALARNA, "percent": "100"}], region_percent="50"), 422,
                   field="body.region_percent", rule="not_with_parties")
    assert_problem(preview([{"municipalities": ["2080"], "percent": "100"}]), 422, field="body.parties.0.basis",
                   rule="basis_required")
    assert_problem(preview([{"municipalities": ["2080", "0180"], "basis": basis, "percent": "100"}]), 422,
                   field="body.parties.0.basis", rule="population_in_basis")
    assert_problem(preview([{"organisation": REGION_DALARNA, "percent": "50"},
                            {"organisation": REGION_DALARNA, "percent": "50"}]), 422, field="body.parties.1",
                   rule="pays_once_a_year")
    # Dalarna's system names national bodies and its own county's organisations, never another county's.
    stockholm_region = create_organisation(gateway, admin_key, name=unique("Region Stockholm (demo)"),
                                           kind="region", county_code="01")["id"]
    assert_problem(preview([{"organisation": stockholm_region, "percent": "100"}]), 403,
                   field="body.parties.0.organisation")
    assert_problem(gateway.post("/funding/co-financing/preview", json={
        **base, "parties": [{"organisation": REGION_DALARNA, "percent": "100"}]},
        headers={"X-API-Key": stack.keys["county-01"]}), 403, field="body.county_code")
