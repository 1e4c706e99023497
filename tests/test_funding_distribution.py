"""Onward distribution through the gateway: a county's receiver passes on what it was paid, within its county,
by the registry's populations or by amounts, to municipalities, an R&D unit and a project; every share leads
back to the agreement; never more than was received; other counties and counties' municipalities refused."""

from __future__ import annotations

import time

import orjson

from tests.funding_requests import key, paid, receiver_allocation, register_receiver, unique
from tests.support import assert_problem


def distributions_url(allocation: dict, recipient_id: str) -> str:
    return f"/funding/allocations/{allocation['id']}/shares/{recipient_id}/distributions"


def test_a_receiver_passes_on_what_it_was_paid_and_never_more(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    dalarna = allocation["receivers"]["20"]["id"]
    url = distributions_url(allocation, dalarna)
    nothing_yet = gateway.post(url, json={"id": unique("dist"), "total": "1.00", "key": "equal",
                                          "recipients": [{"id": "2080"}]}, headers={**county_key, **key()})
    assert_problem(nothing_yet, 409, field="body.total", rule="within_received")
    paid(gateway, admin_key, county_key, allocation, "600000.00")

    by_population = {"id": unique("dist-kommuner"), "total": "400000.00", "key": "population", "basis_year": 2022,
                     "recipients": [{"id": code} for code in ("2080", "2081", "2062", "2039")]}
    preview = gateway.post(url + "/preview", json={k: v for k, v in by_population.items() if k != "id"},
                           headers=county_key)
    assert preview.status_code == 200, preview.text
    kommuner = gateway.post(url, json=by_population, headers={**county_key, **key()})
    assert kommuner.status_code == 201, kommuner.text
    assert kommuner.json()["shares"] == preview.json()["shares"] and kommuner.json()["sum"] == "400000.00"
    assert kommuner.json()["parent"] == {"allocation_id": allocation["id"], "recipient_id": dalarna}
    assert {row["name"] for row in kommuner.json()["shares"]} == {"Falun", "Borlänge", "Mora", "Älvdalen"}

    fou = register_receiver(gateway, admin_key, name="FoU Dalarna (demo)", kind="rd_unit")
    by_amounts = {"id": unique("dist-fou"), "total": "200000.00", "key": "fixed", "recipients": [
        {"id": fou["id"], "amount": "150000.00"},
        {"id": "barnahus-dalarna", "project": True, "name": "Projekt Barnahus Dalarna", "amount": "50000.00"}]}
    assert gateway.post(url, json=by_amounts, headers={**county_key, **key()}).status_code == 201
    over = gateway.post(url, json={"id": unique("dist"), "total": "0.01", "key": "equal",
                                   "recipients": [{"id": "2080"}]}, headers={**county_key, **key()})
    assert_problem(over, 409, field="body.total", rule="within_received")

    # Falun passes part of its share on to a project of its own: a regrant of a regrant, traced to the agreement
    falun = gateway.post(distributions_url(kommuner.json(), "2080"), json={
        "id": unique("dist-falun"), "total": "1000.00", "key": "equal",
        "recipients": [{"id": "falun-ebp", "project": True, "name": "Evidensbaserad praktik i Falun"}]},
        headers={**county_key, **key()})
    assert falun.status_code == 201, falun.text
    parent = gateway.get(f"/funding/allocations/{falun.json()['parent']['allocation_id']}", headers=county_key).json()
    grandparent = gateway.get(f"/funding/allocations/{parent['parent']['allocation_id']}", headers=county_key).json()
    assert grandparent["parent"] is None and grandparent["agreement_id"] == agreement["id"]
    assert falun.json()["agreement_id"] == agreement["id"]

    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "recipient"},
                           headers=county_key).json()
    groups = {g["group"]: g for g in balances["groups"]}
    assert groups[dalarna]["paid"] == "600000.00"
    assert groups["2080"]["distributed"] != "0.00" and groups["falun-ebp"]["distributed"] == "1000.00"
    assert balances["total"]["distributed"] == "601000.00"  # 400,000 + 200,000 on, and 1,000 on again
    assert gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()["intact"]


def test_distribution_stays_in_the_county_and_with_the_shares_county(stack, gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    paid(gateway, admin_key, county_key, allocation, "1000.00")
    dalarna = allocation["receivers"]["20"]["id"]
    before = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    body = {"id": unique("dist"), "total": "100.00", "key": "equal", "recipients": [{"id": "2080"}]}
    assert_problem(gateway.post(distributions_url(allocation, dalarna), json=body,
                                headers={**stockholm, **key()}), 403, field="path.recipient_id")
    solna = {**body, "recipients": [{"id": "2080"}, {"id": "0184"}]}
    assert_problem(gateway.post(distributions_url(allocation, dalarna), json=solna,
                                headers={**county_key, **key()}), 422, field="body.recipients.1.id",
                   rule="within_county")
    unnamed = {**body, "recipients": [{"id": "ett-projekt", "project": True}]}
    assert_problem(gateway.post(distributions_url(allocation, dalarna), json=unnamed,
                                headers={**county_key, **key()}), 422, field="body.recipients.0.name",
                   rule="project_named")
    assert_problem(gateway.post(distributions_url(allocation, "2080"), json=body,
                                headers={**county_key, **key()}), 404)
    after = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    assert after == before


def registry_calls(stack, request_id: str) -> list[str]:
    """The paths the actor registry was asked for while the request with this id was handled (its access log)."""
    lines = stack.log_file("actors").read_text(encoding="utf-8").splitlines()
    return [entry["path"] for entry in map(orjson.loads, filter(None, lines))
            if entry.get("request_id") == request_id and entry.get("path")]


def test_many_unknown_receivers_cost_the_registry_one_question_and_are_named(stack, gateway, admin_key, county_key):
    _agreement, allocation = receiver_allocation(gateway, admin_key)
    url = distributions_url(allocation, allocation["receivers"]["20"]["id"]) + "/preview"
    unknown = [f"unknown-receiver-{i:03d}" for i in range(100)]
    request_id = unique("many-unknown")
    # Each unknown id twice, and one that cannot be a registry id: each is looked up once, the last one never.
    body = {"total": "1.00", "key": "equal",
            "recipients": [{"id": i} for i in unknown + unknown] + [{"id": "not.a.registry.id"}]}
    answer = gateway.post(url, json=body, headers={**county_key, "X-Request-ID": request_id})

    problem = assert_problem(answer, 422, field="body.recipients.0.id", rule="registered_receiver")
    named = {e["field"]: e["message"] for e in problem["errors"] if e["rule"] == "registered_receiver"}
    assert len(named) == 201
    assert all(unknown[i] in named[f"body.recipients.{i}.id"] for i in range(100))
    assert "not.a.registry.id" in named["body.recipients.200.id"]
    time.sleep(0.3)  # the registry's access log is written by another process
    calls = registry_calls(stack, request_id)
    assert 1 <= len(calls) <= 2, calls
    assert all(path == "/organisations" for path in calls), calls


def test_too_many_distinct_receivers_is_refused_naming_the_limit_before_any_question(stack, gateway, admin_key,
                                                                                      county_key):
    _agreement, allocation = receiver_allocation(gateway, admin_key)
    url = distributions_url(allocation, allocation["receivers"]["20"]["id"]) + "/preview"
    request_id = unique("too-many-receivers")
    body = {"total": "1.00", "key": "equal", "recipients": [{"id": f"receiver-{i:03d}"} for i in range(101)]}
    answer = gateway.post(url, json=body, headers={**county_key, "X-Request-ID": request_id})

    problem = assert_problem(answer, 422, field="body.recipients", rule="receivers_at_most")
    assert problem["limit"] == 100 and "100" in problem["detail"]
    time.sleep(0.3)
    assert registry_calls(stack, request_id) == []
