"""Population bases through the gateway: SCB's shipped years and the count Dalarna's 2023-2026 agreement states
(seed 003: 288,382 in all, not SCB's figures of any year), stored in the registry, read by everyone, and cited
by co-financing and allocation, which then land on the seed's own split."""

from __future__ import annotations

from fractions import Fraction

from tests.funding_requests import DALARNA, allocations_url, create_agreement, unique
from tests.support import assert_problem

SEED_TOTAL = 288_382
SEED_MUNICIPALITIES_TOTAL = 2_000_000


def seed_basis(**change) -> dict:
    return {"id": unique("dalarna-avtal-2023"), "name": "Befolkningsunderlag, RSS Dalarna 2023-2026",
            "source": "Region Dalarna, tjänsteskrivelse HSN 2022/1845, tabell 4.3.1", "reference_date": "2021-12-31",
            "rows": [{"code": code, "population": population} for code, _, population, _ in DALARNA], **change}


def test_scb_years_are_bases_everyone_reads(gateway):
    listed = gateway.get("/actors/population-bases", params={"limit": 100})
    assert listed.status_code == 200, listed.text
    assert {"scb-2021-12-31", "scb-2022-12-31", "scb-2023-12-31"} <= {b["id"] for b in listed.json()["items"]}
    basis = gateway.get("/actors/population-bases/scb-2023-12-31")  # anonymous: public reference data
    assert basis.status_code == 200 and basis.headers["etag"], basis.text
    answer = basis.json()
    assert (answer["reference_date"], answer["county_code"], answer["row_count"]) == ("2023-12-31", None, 290)
    falun = next(r for r in answer["rows"] if r["code"] == "2080")
    registry = gateway.get("/actors/municipalities/2080").json()
    assert falun == {"code": "2080", "name": "Falun", "population": next(
        p["population"] for p in registry["populations"] if p["year"] == 2023)}
    assert answer["total"] == sum(r["population"] for r in answer["rows"])
    assert gateway.get("/actors/population-bases/no-such-basis").status_code == 404


def test_a_county_stores_its_own_municipalities_basis_once(gateway, stack, county_key, admin_key, dashboard_key):
    body = seed_basis()
    created = gateway.post("/actors/population-bases", json=body, headers=county_key)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert (answer["county_code"], answer["total"], answer["row_count"]) == ("20", SEED_TOTAL, 15)
    assert {r["code"]: r["name"] for r in answer["rows"]}["2039"] == "Älvdalen"
    assert gateway.post("/actors/population-bases", json=body, headers=county_key).status_code == 200
    changed = {**body, "rows": body["rows"][:-1] + [{"code": "2039", "population": 7034}]}
    assert_problem(gateway.post("/actors/population-bases", json=changed, headers=county_key), 409,
                   field="body.id", rule="conflict")
    assert gateway.get(f"/actors/population-bases/{body['id']}").json()["rows"] == answer["rows"]
    assert body["id"] in {b["id"] for b in gateway.get("/actors/population-bases",
                                                        params={"county": "20"}).json()["items"]}
    trail = gateway.get("/actors/audit", params={"entity_type": "population_basis", "entity_id": body["id"]},
                        headers=admin_key).json()
    assert [e["action"] for e in trail["items"]] == ["create"]

    stockholm = {"X-API-Key": stack.keys["county-01"]}
    assert_problem(gateway.post("/actors/population-bases", json=seed_basis(), headers=stockholm), 403,
                   field="body.rows")
    mixed = seed_basis(rows=[{"code": "2080", "population": 1}, {"code": "0180", "population": 2}])
    assert_problem(gateway.post("/actors/population-bases", json=mixed, headers=county_key), 403, field="body.rows")
    assert gateway.post("/actors/population-bases", json=mixed, headers=admin_key).json()["county_code"] is None
    assert_problem(gateway.post("/actors/population-bases", json=seed_basis(), headers=dashboard_key), 403)
    unknown = seed_basis(rows=[{"code": "2099", "population": 1}, {"code": "2080", "population": 1},
                               {"code": "2080", "population": 2}])
    problem = assert_problem(gateway.post("/actors/population-bases", json=unknown, headers=admin_key), 422,
                             field="body.rows.0.code", rule="unknown_reference")
    assert {"field": "body.rows.2.code", "rule": "unique"} in [{k: e[k] for k in ("field", "rule")}
                                                               for e in problem["errors"]]


def test_co_financing_on_the_agreements_basis_lands_on_the_seeds_split(gateway, county_key):
    basis = gateway.post("/actors/population-bases", json=seed_basis(), headers=county_key).json()
    terms = {"id": unique("samfinansiering"), "name": "Utvecklingsledare i Dalarna 2023-2026", "county_code": "20",
             "first_year": 2023, "last_year": 2026, "region_percent": "50", "basis": basis["id"],
             "cost_items": [{"name": "Utvecklingsledare", "posts": 4, "cost_per_post": "1000000"}]}
    created = gateway.post("/funding/co-financing", json=terms, headers=county_key)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["basis"]["population_basis"] == {k: basis[k] for k in ("id", "name", "source", "reference_date")}
    for year in answer["years"]:
        claims = {c["party"]: Fraction(c["amount"]) for c in year["claims"]}
        assert year["municipalities"] == "2000000.00" and claims.pop("region") == 2_000_000
        assert sum(claims.values()) == SEED_MUNICIPALITIES_TOTAL  # as the seed says (its rows sum to 2,000,004)
        for code, name, _, seed in DALARNA:  # every municipality within a krona of the seed's own figure
            assert abs(claims[code] - seed) <= 1, (name, claims[code], seed)
    assert gateway.get(f"/funding/co-financing/{terms['id']}", headers=county_key).json()["basis"] == answer["basis"]
    preview = {k: v for k, v in terms.items() if k != "id"}  # a preview stores nothing, so it names no id
    assert_problem(gateway.post("/funding/co-financing/preview", json={**preview, "basis": "no-such-basis"},
                                headers=county_key), 422, field="body.basis", rule="unknown_reference")
    assert_problem(gateway.post("/funding/co-financing/preview", json={**preview, "basis_year": 2022},
                                headers=county_key), 422, field="body.basis", rule="one_basis")
    short = gateway.post("/actors/population-bases", json=seed_basis(rows=seed_basis()["rows"][:14]),
                         headers=county_key).json()
    assert_problem(gateway.post("/funding/co-financing/preview", json={**preview, "basis": short["id"]},
                                headers=county_key), 422, field="body.basis", rule="population_in_basis")


def test_an_allocation_by_population_on_a_basis_cites_it(gateway, admin_key, county_key):
    basis = gateway.post("/actors/population-bases", json=seed_basis(), headers=county_key).json()
    agreement = create_agreement(gateway, admin_key)
    body = {"total": "2000000.00", "key": "population", "rounding": "krona", "basis": basis["id"],
            "recipients": [{"id": code} for code, *_ in DALARNA]}
    preview = gateway.post(allocations_url(agreement) + "/preview", json=body, headers=admin_key)
    assert preview.status_code == 200, preview.text
    answer = preview.json()
    assert answer["basis"]["population_basis"] == basis["id"] and basis["id"] in answer["basis"]["source"]
    assert Fraction(answer["sum"]) == SEED_MUNICIPALITIES_TOTAL
    shares = {s["recipient_id"]: s for s in answer["shares"]}
    for code, name, population, seed in DALARNA:
        assert (shares[code]["name"], shares[code]["weight"]) == (name, str(population))
        assert abs(Fraction(shares[code]["amount"]) - seed) <= 1
    assert_problem(gateway.post(allocations_url(agreement) + "/preview", json={**body, "basis_year": 2021},
                                headers=admin_key), 422, field="body.basis", rule="one_basis")
    assert_problem(gateway.post(allocations_url(agreement) + "/preview", json={**body, "recipients": [
        {"id": "2080"}, {"id": "0180"}]}, headers=admin_key), 422, field="body.recipients.1.id",
        rule="population_in_basis")
