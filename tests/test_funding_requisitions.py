"""Requisitions through the gateway: within the remaining share and the last date, also when many arrive at
once; Idempotency-Key retries; draft -> submitted -> approved -> paid, or rejected; county scope."""

from __future__ import annotations

import asyncio

import httpx

from tests.funding_requests import key, receiver_allocation, requisition
from tests.support import assert_problem


def ledger_types(gateway: httpx.Client, headers: dict, agreement: dict) -> list[str]:
    entries = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=headers).json()["entries"]
    return [e["entry_type"] for e in entries]


def test_thirty_concurrent_requisitions_never_exceed_the_share(stack, gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key, amount="100000.00")

    async def fire() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as client:
            return await asyncio.gather(*(
                client.post("/funding/requisitions", json=requisition(allocation, "3000.00"),
                            headers={**county_key, **key()}) for _ in range(40)))

    responses = asyncio.run(fire())
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, [r.text for r in responses if r.status_code not in (201, 409)]
    assert statuses.count(201) == 33  # 33 x 3,000 = 99,000 of 100,000: none lost, none over
    for refused in (r for r in responses if r.status_code == 409):
        assert_problem(refused, 409, field="body.amount", rule="within_remaining_allocation")
    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "recipient"},
                           headers=county_key).json()
    dalarna = next(g for g in balances["groups"] if g["group"] == allocation["receivers"]["20"]["id"])
    assert dalarna["requisitioned"] == "99000.00"
    assert gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()["intact"]


def test_a_retry_with_the_same_key_has_no_second_effect_and_another_body_is_refused(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    headers = {**county_key, **key()}
    body = requisition(allocation, "1000.00")
    first = gateway.post("/funding/requisitions", json=body, headers=headers)
    again = gateway.post("/funding/requisitions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again.headers["location"] == first.headers["location"] == f"/funding/requisitions/{body['id']}"
    other = gateway.post("/funding/requisitions", json={**body, "amount": "2000.00"}, headers=headers)
    assert_problem(other, 422, field="header.Idempotency-Key", rule="idempotency_key_reused")
    assert ledger_types(gateway, county_key, agreement).count("requisition") == 1
    assert_problem(gateway.post("/funding/requisitions", json=requisition(allocation, "1.00"), headers=county_key),
                   422, field="header.Idempotency-Key")


def test_the_whole_way_to_paid_and_a_rejection_that_gives_the_amount_back(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key, amount="5000.00")
    draft = gateway.post("/funding/requisitions", json=requisition(allocation, "5000.00", submit=False),
                         headers={**county_key, **key()}).json()
    assert draft["status"] == "draft" and draft["remaining_after"] == "0.00"
    url = f"/funding/requisitions/{draft['id']}"
    assert_problem(gateway.post(url + "/approve", headers={**county_key, **key()}), 403)
    assert gateway.post(url + "/submit", headers={**county_key, **key()}).json()["status"] == "submitted"
    assert_problem(gateway.post(url + "/reject", json={"reason": "Underlag\x00saknas"}, headers={**admin_key, **key()}),
                   422, field="body.reason", rule="control_characters")
    rejected = gateway.post(url + "/reject", json={"reason": "Underlag saknas"}, headers={**admin_key, **key()})
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Underlag saknas"
    assert_problem(gateway.post(url + "/pay", headers={**admin_key, **key()}), 409, field="status")

    second = gateway.post("/funding/requisitions", json=requisition(allocation, "5000.00"),
                          headers={**county_key, **key()}).json()
    for step, status in (("approve", "approved"), ("pay", "paid")):
        assert gateway.post(f"/funding/requisitions/{second['id']}/{step}",
                            headers={**admin_key, **key()}).json()["status"] == status
    assert ledger_types(gateway, county_key, agreement)[-4:] == ["requisition", "reversal", "requisition",
                                                                 "disbursement"]
    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "county"},
                           headers=county_key).json()
    dalarna = next(g for g in balances["groups"] if g["group"] == "20")
    assert dalarna["requisitioned"] == dalarna["paid"] == "5000.00"


def test_refused_requisitions_name_the_field_and_leave_the_ledger_unchanged(gateway, admin_key, county_key, stack,
                                                                            dashboard_key):
    agreement, allocation = receiver_allocation(gateway, admin_key, amount="1000.00")
    closed_agreement, closed = receiver_allocation(gateway, admin_key, last_date="2020-06-30")
    before = ledger_types(gateway, county_key, agreement)
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    cases = [
        (county_key, requisition(allocation, "1000.01"), 409, "body.amount", "within_remaining_allocation"),
        (county_key, requisition(allocation, "-1.00"), 422, "body.amount", "money_not_negative"),
        (county_key, requisition(allocation, "0.001"), 422, "body.amount", "money_whole_ore"),
        (county_key, requisition(allocation, 10.5), 422, "body.amount", "money_not_float"),
        (county_key, requisition(closed, "10.00"), 422, "body.allocation_id", "before_last_requisition_date"),
        (stockholm, requisition(allocation, "10.00"), 403, "body.recipient_id", "forbidden"),
        (county_key, requisition(allocation, "10.00", county="01"), 403, "body.recipient_id", "forbidden"),
        (county_key, requisition(allocation, "10.00", signed_by=allocation["receivers"]["01"]["signatory"]), 422,
         "body.signed_by", "signatory_of_receiver"),
    ]
    for headers, body, status, field, rule in cases:
        assert_problem(gateway.post("/funding/requisitions", json=body, headers={**headers, **key()}), status,
                       field=field, rule=rule)
    assert_problem(gateway.post("/funding/requisitions", json=requisition(allocation, "10.00"),
                                headers={**dashboard_key, **key()}), 403)
    assert ledger_types(gateway, county_key, agreement) == before
    assert ledger_types(gateway, county_key, closed_agreement) == ["commitment", "allocation", "allocation"]
