"""Money received is accounted for once: what a share passes on and what its spending report accounts for (spent,
and the unspent rest claimed back) never together exceed what it received. A distribution after the report and a
report after the distribution are refused alike (422 within_received, with the figures), and when both are sent
at once, again and again, exactly one of them succeeds whenever together they would exceed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from tests.funding_requests import key, paid, receiver_allocation, unique
from tests.support import assert_problem


def report_body(allocation: dict, spent: str) -> dict:
    return {"id": unique("report"), "allocation_id": allocation["id"],
            "recipient_id": allocation["receivers"]["20"]["id"], "spent": spent}


def distribution_url(allocation: dict) -> str:
    return f"/funding/allocations/{allocation['id']}/shares/{allocation['receivers']['20']['id']}/distributions"


def distribution_body(total: str) -> dict:
    return {"id": unique("dist"), "total": total, "key": "equal",
            "recipients": [{"id": "2080"}, {"id": "2081"}]}


def entries(gateway: httpx.Client, headers: dict, agreement: dict) -> list[dict]:
    return gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=headers).json()["entries"]


def paid_share(gateway, admin_key, county_key, amount: str = "100000.00") -> tuple[dict, dict]:
    agreement, allocation = receiver_allocation(gateway, admin_key, amount=amount)
    paid(gateway, admin_key, county_key, allocation, amount)
    return agreement, allocation


def test_reported_spent_is_not_passed_on_again(gateway, admin_key, county_key):
    agreement, allocation = paid_share(gateway, admin_key, county_key)
    report = gateway.post("/funding/reports", json=report_body(allocation, "100000.00"),
                          headers={**county_key, **key()})
    assert report.status_code == 201, report.text
    assert report.json()["unspent"] == "0.00"
    before = entries(gateway, county_key, agreement)
    for url in (distribution_url(allocation) + "/preview", distribution_url(allocation)):
        body = distribution_body("100000.00")
        if url.endswith("/preview"):
            body.pop("id")  # a preview stores nothing, so it names no id
        refused = gateway.post(url, json=body, headers={**county_key, **key()})
        problem = assert_problem(refused, 422, field="body.total", rule="within_received")
        assert problem["amounts"] == {"received": "100000.00", "passed_on": "0.00", "reported_spent": "100000.00",
                                      "reported_unspent": "0.00", "asked": "100000.00"}
        assert "100000.00" in problem["detail"]
    assert entries(gateway, county_key, agreement) == before


def test_the_unspent_rest_claimed_back_is_not_passed_on_either(gateway, admin_key, county_key):
    _agreement, allocation = paid_share(gateway, admin_key, county_key)
    report = gateway.post("/funding/reports", json=report_body(allocation, "60000.00"),
                          headers={**county_key, **key()})
    assert report.json()["repayment_claim"]["amount"] == "40000.00"
    refused = gateway.post(distribution_url(allocation), json=distribution_body("40000.00"),
                           headers={**county_key, **key()})
    assert_problem(refused, 422, field="body.total", rule="within_received")


def test_passed_on_is_not_reported_spent_again(gateway, admin_key, county_key):
    agreement, allocation = paid_share(gateway, admin_key, county_key)
    distributed = gateway.post(distribution_url(allocation), json=distribution_body("100000.00"),
                               headers={**county_key, **key()})
    assert distributed.status_code == 201, distributed.text
    before = entries(gateway, county_key, agreement)
    refused = gateway.post("/funding/reports", json=report_body(allocation, "100000.00"),
                           headers={**county_key, **key()})
    problem = assert_problem(refused, 422, field="body.spent", rule="within_received")
    assert problem["amounts"]["passed_on"] == "100000.00" and problem["amounts"]["asked"] == "100000.00"
    assert entries(gateway, county_key, agreement) == before
    nothing_spent = gateway.post("/funding/reports", json=report_body(allocation, "0.00"),
                                 headers={**county_key, **key()})
    assert nothing_spent.status_code == 201, nothing_spent.text
    assert (nothing_spent.json()["passed_on"], nothing_spent.json()["unspent"]) == ("100000.00", "0.00")


def test_a_report_and_a_distribution_sent_at_once_never_count_the_money_twice(stack, gateway, admin_key,
                                                                                 county_key):
    rounds = 8
    shares = [paid_share(gateway, admin_key, county_key) for _ in range(rounds)]
    outcomes = []
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as one, \
            httpx.Client(base_url=stack.gateway_url, timeout=60) as other, ThreadPoolExecutor(2) as pool:
        for _agreement, allocation in shares:
            start = threading.Barrier(2)

            def send(client: httpx.Client, url: str, body: dict) -> httpx.Response:
                start.wait()
                return client.post(url, json=body, headers={**county_key, **key()})

            report = pool.submit(send, one, "/funding/reports", report_body(allocation, "60000.00"))
            distribution = pool.submit(send, other, distribution_url(allocation), distribution_body("60000.00"))
            outcomes.append((report.result(), distribution.result()))

    for (agreement, allocation), (report, distribution) in zip(shares, outcomes, strict=True):
        statuses = sorted((report.status_code, distribution.status_code))
        assert statuses == [201, 422], (report.text, distribution.text)
        refused, field = (report, "body.spent") if report.status_code == 422 else (distribution, "body.total")
        assert_problem(refused, 422, field=field, rule="within_received")
        balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "recipient"},
                               headers=county_key).json()
        row = next(g for g in balances["groups"] if g["group"] == allocation["receivers"]["20"]["id"])
        passed_on = sum(Decimal(g["distributed"]) for g in balances["groups"] if g["group"] in ("2080", "2081"))
        accounted = Decimal(row["reported_spent"]) + Decimal(row["to_repay"])
        assert (passed_on, accounted) == ((0, 100000) if report.status_code == 201 else (60000, 0))
