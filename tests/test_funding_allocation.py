"""Agreements and allocations through the gateway: the Dalarna 2023-2026 split exact to the krona, previews that
save nothing, retries, refusals that name the field and rule, and who may do what."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.funding_requests import (
    DALARNA,
    agreement_body,
    allocate,
    allocations_url,
    create_agreement,
    dalarna_population_split,
    key,
    receiver,
    unique,
)
from tests.support import assert_problem


def kronor(text: str) -> Fraction:
    return Fraction(text)


def test_dalarna_2023_2026_region_and_municipalities_by_population(gateway, admin_key, county_key):
    agreement = create_agreement(gateway, admin_key)
    region = allocate(gateway, admin_key, agreement, {"total": "2000000.00", "key": "fixed", "recipients": [
        {"id": receiver(gateway, admin_key, "20")["id"], "amount": "2000000.00"}]})
    split = allocate(gateway, admin_key, agreement, dalarna_population_split())

    assert split["sum"] == split["total"] == "2000000.00"
    assert sum(seed for *_, seed in DALARNA) == 2_000_004  # the seed rounds each row on its own
    rows = {row["recipient_id"]: row for row in split["shares"]}
    for code, _name, population, seed in DALARNA:
        row = rows[code]
        assert abs(kronor(row["amount"]) - seed) <= 1, code
        assert Fraction(row["share"]) == Fraction(population, 288382)
        assert abs(Fraction(row["adjustment_ore"])) < 100 and row["county_code"] == "20"
    assert rows["2080"]["amount"] == "414395.00"
    assert split["basis"]["year"] == 2021 and split["basis"]["key"] == "population"
    assert split["basis"]["source"] == "supplied by the caller"

    assert kronor(region["shares"][0]["amount"]) - 1_225_535 == 774_465  # the region's cost rises by this

    again = gateway.get(f"/funding/allocations/{split['id']}", headers=county_key)
    assert again.status_code == 200 and again.json()["shares"] == split["shares"]
    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", headers=county_key).json()
    assert balances["total"]["committed"] == "4000000.00" and balances["total"]["allocated"] == "4000000.00"


def test_a_preview_saves_nothing_and_the_line_cannot_be_over_allocated(gateway, admin_key):
    agreement = create_agreement(gateway, admin_key, total="2000000.00", key_name="population")
    body = {k: v for k, v in dalarna_population_split().items() if k not in ("total", "key")}
    preview = gateway.post(allocations_url(agreement) + "/preview", json=body, headers=admin_key)
    assert preview.status_code == 200, preview.text
    assert preview.json()["sum"] == "2000000.00" and preview.json()["id"] is None
    ledger = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=admin_key).json()
    assert [e["entry_type"] for e in ledger["entries"]] == ["commitment"]

    allocate(gateway, admin_key, agreement, dalarna_population_split(total="1500000"))
    too_much = gateway.post(allocations_url(agreement), json={"id": unique("alloc"),
                                                              **dalarna_population_split(total="500000.01")},
                            headers={**admin_key, **key()})
    assert_problem(too_much, 409, field="body.total", rule="within_funding_line")


def test_an_agreement_retried_with_the_same_id_and_content_answers_200_other_content_409(gateway, admin_key):
    body = agreement_body()
    assert gateway.post("/funding/agreements", json=body, headers=admin_key).status_code == 201
    retry = gateway.post("/funding/agreements", json=body, headers=admin_key)
    assert retry.status_code == 200 and retry.json()["id"] == body["id"]
    assert retry.json()["lines"][0]["total"] == "4000000.00"
    changed = gateway.post("/funding/agreements", json={**body, "name": "Ett annat avtal"}, headers=admin_key)
    assert_problem(changed, 409, field="body.id", rule="id_in_use")
    ledger = gateway.get(f"/funding/agreements/{body['id']}/ledger", headers=admin_key).json()
    assert len(ledger["entries"]) == 1


@pytest.mark.parametrize(("total", "rule"), [
    ("-5.00", "money_not_negative"), ("10.005", "money_whole_ore"), (1000.5, "money_not_float"),
    ("tio", "money_format")])
def test_bad_amounts_are_refused_naming_the_field_and_rule(gateway, admin_key, total, rule):
    body = agreement_body(total=total)
    assert_problem(gateway.post("/funding/agreements", json=body, headers=admin_key), 422,
                   field="body.lines.0.total", rule=rule)
    assert gateway.get(f"/funding/agreements/{body['id']}", headers=admin_key).status_code == 404


def test_lines_outside_the_agreement_are_refused(gateway, admin_key):
    body = agreement_body()
    body["lines"][0] |= {"year": 2030, "area": "något annat"}
    problem = assert_problem(gateway.post("/funding/agreements", json=body, headers=admin_key), 422,
                             field="body.lines.0.year", rule="year_of_agreement")
    assert any(e["field"] == "body.lines.0.area" and e["rule"] == "area_of_agreement" for e in problem["errors"])


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"key": "fixed", "recipients": [{"id": "2080", "amount": "1.00"}]}, "body.recipients", "amounts_sum_to_total"),
    ({"key": "percentage", "recipients": [{"id": "2080", "percent": "60"}, {"id": "2081", "percent": "30"}]},
     "body.recipients", "percentages_sum_to_100"),
    ({"key": "percentage", "recipients": [{"id": "2080", "percent": 99.5}]}, "body.recipients.0.percent",
     "percent_not_float"),
    ({"basis_year": None}, "body.basis_year", "required_for_population_key"),
    ({"total": "2000000.50"}, "body.total", "whole_rounding_units"),
    ({"recipients": [{"id": "2080", "population": 5}, {"id": "2081"}]}, "body.recipients.1.population",
     "required_for_population_key"),
    ({"recipients": [{"id": "2080", "population": 5}, {"id": "2099", "population": 5}]}, "body.recipients.1.id",
     "registered_municipality"),
    ({"recipients": [{"id": "2080", "population": 5}, {"id": "nobody-at-all", "population": 5}]},
     "body.recipients.1.id", "registered_receiver"),
    ({"recipients": [{"id": "2080", "population": 5}, {"id": "region-20", "population": 5}]},
     "body.recipients.1.id", "receiver_has_org_number"),
    ({"recipients": [{"id": "2080"}, {"id": "2081"}], "basis_year": 1990}, "body.basis_year",
     "population_published"),
])
def test_a_split_that_does_not_add_up_is_refused_and_nothing_is_saved(gateway, admin_key, change, field, rule):
    agreement = create_agreement(gateway, admin_key)
    body = {"id": unique("alloc"), **dalarna_population_split(), **change}
    assert_problem(gateway.post(allocations_url(agreement), json=body, headers={**admin_key, **key()}), 422,
                   field=field, rule=rule)
    assert gateway.get(f"/funding/allocations/{body['id']}", headers=admin_key).status_code == 404
    assert len(gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=admin_key).json()["entries"]) == 1


def test_only_national_administrators_make_agreements_and_allocations(gateway, admin_key, county_key, dashboard_key):
    for headers in (county_key, dashboard_key):
        assert_problem(gateway.post("/funding/agreements", json=agreement_body(), headers=headers), 403)
    agreement = create_agreement(gateway, admin_key)
    for headers in (county_key, dashboard_key):
        assert_problem(gateway.post(allocations_url(agreement), json={"id": unique("a"), **dalarna_population_split()},
                                    headers={**headers, **key()}), 403)
    assert gateway.get(f"/funding/agreements/{agreement['id']}", headers=dashboard_key).status_code == 200


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/funding/agreements"), ("POST", "/funding/agreements"), ("GET", "/funding/allocations/x"),
    ("GET", "/funding/agreements/x/ledger/verify"), ("POST", "/funding/requisitions"),
    ("GET", "/funding/agreements/x/balances")])
def test_anonymous_callers_get_401_everywhere(gateway, method, path):
    assert_problem(gateway.request(method, path, json={} if method == "POST" else None), 401)


def test_populations_on_the_basis_year_come_from_the_registry_when_none_are_supplied(gateway, admin_key):
    agreement = create_agreement(gateway, admin_key, total="2000000.00", key_name="population")
    registry = gateway.get("/actors/municipalities", params={"county": "20", "limit": 50}).json()["items"]
    populations = {m["code"]: next(p["population"] for p in m["populations"] if p["year"] == 2022)
                   for m in registry}
    split = allocate(gateway, admin_key, agreement, {"total": "2000000.00", "basis_year": 2022,
                                                     "recipients": [{"id": code} for code in sorted(populations)]})
    assert split["basis"]["source"] == "actor registry: SCB population on 31 December 2022"
    assert split["sum"] == "2000000.00" and len(split["shares"]) == 15
    falun = next(row for row in split["shares"] if row["recipient_id"] == "2080")
    assert falun["name"] == "Falun" and falun["county_code"] == "20"
    assert Fraction(falun["share"]) == Fraction(populations["2080"], sum(populations.values()))
