"""Spending reports and repayment through the gateway: a report on what was received, the unspent rest claimed
back citing the agreement's registry number, repayments up to what is outstanding, and the follow-up lists of
overdue reports and unpaid claims per county and nationally."""

from __future__ import annotations

from tests.funding_requests import key, paid, receiver_allocation, unique
from tests.support import assert_problem


def report(allocation: dict, spent: str, county: str = "20", **extra) -> dict:
    return {"id": unique("report"), "allocation_id": allocation["id"],
            "recipient_id": allocation["receivers"][county]["id"], "spent": spent, **extra}


def test_report_claim_repayment_and_the_follow_up_lists(stack, gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key, report_due="2026-01-31")
    dalarna = allocation["receivers"]["20"]["id"]
    paid(gateway, admin_key, county_key, allocation, "600000.00")
    distributed = gateway.post(f"/funding/allocations/{allocation['id']}/shares/{dalarna}/distributions", json={
        "id": unique("dist"), "total": "100000.00", "key": "equal",
        "recipients": [{"id": "dalarna-ebp", "project": True, "name": "EBP-projektet i Dalarna"}]},
        headers={**county_key, **key()})
    assert distributed.status_code == 201, distributed.text

    overdue = gateway.get("/funding/follow-up/overdue-reports", params={"county": "20"}, headers=county_key).json()
    mine = [r for r in overdue["items"] if r["allocation_id"] == allocation["id"]]
    assert [(r["recipient_id"], r["received"], r["due_date"]) for r in mine] == [(dalarna, "600000.00", "2026-01-31")]
    national = gateway.get("/funding/follow-up/overdue-reports", headers=county_key).json()
    assert any(r["allocation_id"] == allocation["id"] for r in national["items"])

    body = report(allocation, "450000.00", comment="Fyra utvecklingsledare, tre kvartal")
    created = gateway.post("/funding/reports", json=body, headers={**county_key, **key()})
    assert created.status_code == 201, created.text
    answer = created.json()
    assert (answer["received"], answer["passed_on"], answer["spent"], answer["unspent"]) == (
        "600000.00", "100000.00", "450000.00", "50000.00")
    assert answer["late"] is True and answer["due_date"] == "2026-01-31"
    claim = answer["repayment_claim"]
    assert claim["registry_number"] == agreement["registry_number"] and claim["outstanding"] == "50000.00"
    assert claim["due_date"] == "2026-01-31"
    again = gateway.get("/funding/follow-up/overdue-reports", params={"county": "20"}, headers=county_key).json()
    assert not [r for r in again["items"] if r["allocation_id"] == allocation["id"]]

    unpaid = gateway.get("/funding/follow-up/unpaid-claims", params={"county": "20"}, headers=county_key).json()
    assert claim["id"] in {c["id"] for c in unpaid["items"]}
    stockholm_list = gateway.get("/funding/follow-up/unpaid-claims", params={"county": "01"}, headers=county_key)
    assert claim["id"] not in {c["id"] for c in stockholm_list.json()["items"]}

    repay = f"/funding/repayment-claims/{claim['id']}/repayments"
    assert_problem(gateway.post(repay, json={"id": unique("rep"), "amount": "20000.00"},
                                headers={**county_key, **key()}), 403)
    first = gateway.post(repay, json={"id": unique("rep"), "amount": "20000.00"}, headers={**admin_key, **key()})
    assert first.status_code == 201 and first.json()["outstanding"] == "30000.00"
    assert_problem(gateway.post(repay, json={"id": unique("rep"), "amount": "30000.01"},
                                headers={**admin_key, **key()}), 409, field="body.amount", rule="within_outstanding")
    last = gateway.post(repay, json={"id": unique("rep"), "amount": "30000"}, headers={**admin_key, **key()})
    assert last.json()["outstanding"] == "0.00"
    national_unpaid = gateway.get("/funding/follow-up/unpaid-claims", headers=admin_key).json()
    assert claim["id"] not in {c["id"] for c in national_unpaid["items"]}

    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "recipient"},
                           headers=county_key).json()
    row = next(g for g in balances["groups"] if g["group"] == dalarna)
    assert (row["paid"], row["reported_spent"], row["to_repay"], row["repaid"]) == (
        "600000.00", "450000.00", "50000.00", "50000.00")
    assert gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()["intact"]


def test_reports_that_cannot_be_true_are_refused_and_nothing_is_stored(stack, gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    never_received = gateway.post("/funding/reports", json=report(allocation, "0.00", county="01"),
                                  headers={**stockholm, **key()})
    assert_problem(never_received, 422, field="body.allocation_id", rule="money_received")
    paid(gateway, admin_key, county_key, allocation, "1000.00")
    before = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    assert_problem(gateway.post("/funding/reports", json=report(allocation, "1000.01"),
                                headers={**county_key, **key()}), 422, field="body.spent", rule="within_received")
    assert_problem(gateway.post("/funding/reports", json=report(allocation, "10.00"),
                                headers={**stockholm, **key()}), 403, field="body.recipient_id")
    assert_problem(gateway.post("/funding/reports", json=report(allocation, 10.5),
                                headers={**county_key, **key()}), 422, field="body.spent", rule="money_not_float")
    after = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    assert after == before
    whole = gateway.post("/funding/reports", json=report(allocation, "1000.00"), headers={**county_key, **key()})
    assert whole.status_code == 201 and whole.json()["repayment_claim"] is None
    assert_problem(gateway.post("/funding/reports", json=report(allocation, "1.00"),
                                headers={**county_key, **key()}), 409, field="body.recipient_id",
                   rule="one_report_per_share")
