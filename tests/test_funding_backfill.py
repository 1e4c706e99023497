"""A county's earlier years brought in through the gateway: every funding fact takes effect on a day of its own
(allocated_on, requested_on, decided_on, paid_on, reported_on, repaid_on), given by a national administrator,
kept apart from when it was recorded (recorded_at, always now); the ledger dates its entries by the effective
day, so balances as of a date in 2019 hold what took effect by then. A county system acts on the day it acts,
every day is checked against the agreement and against what it follows, and a refusal stores nothing."""

from __future__ import annotations

from datetime import date, datetime

from tests.funding_requests import DALARNA, key, org_number, unique
from tests.support import assert_problem

F = "/funding"


def _receiver_from_2018(gateway, admin: dict) -> dict:
    """A receiver in Dalarna (county 20) whose fictional signatory holds the post from 2018."""
    organisation, person, post = unique("receiver-2019"), unique("signatory"), unique("post-signatory")
    for path, body in (
            ("/actors/organisations", {"id": organisation, "kind": "region", "name": "Dalarnas RSS (demo 2019)",
                                       "county_code": "20",
                                       "identifiers": [{"scheme": "org_number", "value": org_number()}]}),
            ("/actors/people", {"id": person, "given_name": "Exempel", "family_name": "Firmatecknare"}),
            ("/actors/posts", {"id": post, "organisation_id": organisation, "role": "signatory",
                               "label": "Firmatecknare"}),
            ("/actors/memberships", {"post_id": post, "person_id": person, "valid_from": "2018-01-01"})):
        response = gateway.post(path, json=body, headers=admin)
        assert response.status_code == 201, response.text
    return {"id": organisation, "signatory": person}


def _agreement_2019(gateway, admin: dict) -> dict:
    agreement_id = unique("rss-2019")
    body = {"id": agreement_id, "name": "Stöd till regionala stödstrukturer 2019", "registry_number": unique("S2019"),
            "first_year": 2019, "last_year": 2019, "areas": ["regional stödstruktur"],
            "lines": [{"id": agreement_id + "-stod", "area": "regional stödstruktur", "year": 2019,
                       "total": "2000000.00", "allocation_key": "equal", "requisition_last_date": "2019-12-31",
                       "report_due_date": "2020-12-31"}]}
    response = gateway.post(f"{F}/agreements", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def _history(gateway, admin: dict) -> dict:
    """A 2019 agreement whose line allocates 1,000,000 to a Dalarna receiver on 2019-02-01."""
    agreement = _agreement_2019(gateway, admin)
    receiver = _receiver_from_2018(gateway, admin)
    response = gateway.post(f"{F}/agreements/{agreement['id']}/lines/{agreement['lines'][0]['id']}/allocations",
                            json={"id": unique("alloc-2019"), "total": "1000000.00", "key": "equal",
                                  "allocated_on": "2019-02-01", "recipients": [{"id": receiver["id"]}]},
                            headers={**admin, **key()})
    assert response.status_code == 201, response.text
    allocation = response.json()
    assert allocation["allocated_on"] == "2019-02-01"
    return {"agreement": agreement, "allocation": allocation, "receiver": receiver}


def _requisition(history: dict, **extra) -> dict:
    return {"id": unique("req-2019"), "allocation_id": history["allocation"]["id"],
            "recipient_id": history["receiver"]["id"], "amount": "1000000.00",
            "signed_by": history["receiver"]["signatory"], **extra}


def _paid_2019(gateway, admin: dict, history: dict) -> dict:
    created = gateway.post(f"{F}/requisitions", json=_requisition(history, requested_on="2019-03-01"),
                           headers={**admin, **key()})
    assert created.status_code == 201, created.text
    requisition = created.json()
    for step, body in (("approve", {"decided_on": "2019-03-15"}), ("pay", {"paid_on": "2019-04-01"})):
        moved = gateway.post(f"{F}/requisitions/{requisition['id']}/{step}", json=body, headers={**admin, **key()})
        assert moved.status_code == 200, moved.text
    return moved.json()


def _entries(gateway, admin: dict, agreement_id: str) -> list[dict]:
    return gateway.get(f"{F}/agreements/{agreement_id}/ledger", headers=admin).json()["entries"]


def _balances(gateway, admin: dict, agreement_id: str, as_of: str) -> dict:
    response = gateway.get(f"{F}/agreements/{agreement_id}/balances", params={"as_of": as_of}, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()["total"]


def _with_offset(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    assert parsed.utcoffset() is not None, moment
    return parsed


def test_a_2019_requisition_paid_in_2019_is_in_the_balances_of_2019(gateway, admin_key):
    history = _history(gateway, admin_key)
    agreement_id = history["agreement"]["id"]
    answer = _paid_2019(gateway, admin_key, history)
    assert (answer["status"], answer["requisition_date"], answer["decided_on"], answer["paid_on"]) == (
        "paid", "2019-03-01", "2019-03-15", "2019-04-01")
    for moment in ("recorded_at", "decision_recorded_at", "payment_recorded_at"):
        assert _with_offset(answer[moment]).date() == date.today()
    assert gateway.get(f"{F}/requisitions/{answer['id']}", headers=admin_key).json() == answer

    end_of_2019 = _balances(gateway, admin_key, agreement_id, "2019-12-31")
    assert (end_of_2019["allocated"], end_of_2019["requisitioned"], end_of_2019["paid"]) == (
        "1000000.00", "1000000.00", "1000000.00")
    start_of_2019 = _balances(gateway, admin_key, agreement_id, "2019-01-01")
    assert (start_of_2019["allocated"], start_of_2019["requisitioned"], start_of_2019["paid"]) == (
        "0.00", "0.00", "0.00")
    march = _balances(gateway, admin_key, agreement_id, "2019-03-20")
    assert (march["requisitioned"], march["paid"]) == ("1000000.00", "0.00")

    entries = _entries(gateway, admin_key, agreement_id)
    assert [e["position"] for e in entries] == list(range(1, len(entries) + 1))  # the order they were recorded
    dated = {e["entry_type"]: e["entry_date"] for e in entries}
    assert (dated["allocation"], dated["requisition"], dated["disbursement"]) == (
        "2019-02-01", "2019-03-01", "2019-04-01")
    recorded = [_with_offset(e["recorded_at"]) for e in entries]
    assert recorded == sorted(recorded)
    verified = gateway.get(f"{F}/agreements/{agreement_id}/ledger/verify", headers=admin_key).json()
    assert verified["intact"] is True, verified


def test_a_2019_distribution_by_a_2019_population_basis_is_accepted(gateway, admin_key):
    history = _history(gateway, admin_key)
    _paid_2019(gateway, admin_key, history)
    basis = {"id": unique("dalarna-2019"), "name": "Befolkningsunderlag, RSS Dalarna 2019 (demo)",
             "source": "Region Dalarna, demo", "reference_date": "2019-03-31",
             "rows": [{"code": code, "population": population} for code, _, population, _ in DALARNA]}
    stored = gateway.post("/actors/population-bases", json=basis, headers=admin_key)
    assert stored.status_code == 201, stored.text
    url = f"{F}/allocations/{history['allocation']['id']}/shares/{history['receiver']['id']}/distributions"
    body = {"id": unique("dist-2019"), "total": "600000.00", "key": "population", "allocated_on": "2019-06-01",
            "basis": basis["id"], "recipients": [{"id": code} for code, *_ in DALARNA]}
    agreement_id = history["agreement"]["id"]
    before = len(_entries(gateway, admin_key, agreement_id))

    for change, field in (({"basis": None, "basis_year": 2019}, "body.basis_year"),  # no SCB figures of 2019
                          ({"basis": "scb-2023-12-31"}, "body.basis"),  # counted after the day
                          ({"allocated_on": "2019-03-01"}, "body.basis")):  # before the basis's day
        refused = gateway.post(url, json={**body, **change}, headers={**admin_key, **key()})
        assert_problem(refused, 422, field=field, rule="population_published")
    assert_problem(gateway.post(url, json={**body, "allocated_on": "2019-01-15"}, headers={**admin_key, **key()}),
                   422, field="body.allocated_on", rule="not_before_allocation")
    assert len(_entries(gateway, admin_key, agreement_id)) == before
    assert gateway.get(f"{F}/allocations/{body['id']}", headers=admin_key).status_code == 404

    created = gateway.post(url, json=body, headers={**admin_key, **key()})
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["allocated_on"] == "2019-06-01" and answer["sum"] == "600000.00"
    assert answer["basis"]["population_basis"] == basis["id"]
    _with_offset(answer["recorded_at"])
    entries = _entries(gateway, admin_key, agreement_id)
    assert {e["entry_date"] for e in entries if e["entry_type"] == "distribution"} == {"2019-06-01"}
    assert _balances(gateway, admin_key, agreement_id, "2019-05-31")["distributed"] == "0.00"
    assert _balances(gateway, admin_key, agreement_id, "2019-12-31")["distributed"] == "600000.00"


def test_a_repayment_dated_before_its_claim_is_refused(gateway, admin_key):
    history = _history(gateway, admin_key)
    agreement_id = history["agreement"]["id"]
    _paid_2019(gateway, admin_key, history)
    report = {"id": unique("report-2019"), "allocation_id": history["allocation"]["id"],
              "recipient_id": history["receiver"]["id"], "spent": "900000.00", "reported_on": "2019-12-15"}
    assert_problem(gateway.post(f"{F}/reports", json={**report, "reported_on": "2019-03-31"},
                                headers={**admin_key, **key()}), 422, field="body.reported_on",
                   rule="not_before_payment")
    created = gateway.post(f"{F}/reports", json=report, headers={**admin_key, **key()})
    assert created.status_code == 201, created.text
    answer = created.json()
    assert (answer["report_date"], answer["late"]) == ("2019-12-15", False)
    _with_offset(answer["recorded_at"])
    claim = answer["repayment_claim"]
    assert (claim["claimed_on"], claim["outstanding"], claim["repayments"]) == ("2019-12-15", "100000.00", [])

    repay = f"{F}/repayment-claims/{claim['id']}/repayments"
    before = len(_entries(gateway, admin_key, agreement_id))
    early = {"id": unique("rep-2019"), "amount": "100000.00", "repaid_on": "2019-12-01"}
    problem = assert_problem(gateway.post(repay, json=early, headers={**admin_key, **key()}), 422,
                             field="body.repaid_on", rule="not_before_claim")
    assert "before its claim" in problem["detail"] or "before its claim" in str(problem["errors"])
    unchanged = gateway.get(f"{F}/repayment-claims/{claim['id']}", headers=admin_key).json()
    assert (unchanged["repaid"], unchanged["repayments"]) == ("0.00", [])
    assert len(_entries(gateway, admin_key, agreement_id)) == before

    repaid = gateway.post(repay, json={"id": unique("rep-2020"), "amount": "100000.00", "repaid_on": "2020-01-10"},
                          headers={**admin_key, **key()})
    assert repaid.status_code == 201, repaid.text
    [repayment] = repaid.json()["repayments"]
    assert repayment["repaid_on"] == "2020-01-10"
    _with_offset(repayment["recorded_at"])
    end_of_2019 = _balances(gateway, admin_key, agreement_id, "2019-12-31")
    assert (end_of_2019["reported_spent"], end_of_2019["to_repay"], end_of_2019["repaid"]) == (
        "900000.00", "100000.00", "0.00")
    assert _balances(gateway, admin_key, agreement_id, "2020-01-10")["repaid"] == "100000.00"

    # the overdue list as of a day reads what had taken effect by then
    overdue = gateway.get(f"{F}/follow-up/overdue-reports", params={"as_of": "2021-01-01", "county": "20"},
                          headers=admin_key).json()
    assert history["allocation"]["id"] not in {r["allocation_id"] for r in overdue["items"]}


def test_a_county_key_backdating_is_403_and_nothing_is_stored(gateway, admin_key, county_key):
    history = _history(gateway, admin_key)
    agreement_id = history["agreement"]["id"]
    before = len(_entries(gateway, admin_key, agreement_id))
    body = _requisition(history, requested_on="2019-03-01")
    assert_problem(gateway.post(f"{F}/requisitions", json=body, headers={**county_key, **key()}), 403,
                   field="body.requested_on")
    assert gateway.get(f"{F}/requisitions/{body['id']}", headers=admin_key).status_code == 404
    report = {"id": unique("report"), "allocation_id": history["allocation"]["id"],
              "recipient_id": history["receiver"]["id"], "spent": "1.00", "reported_on": "2019-12-15"}
    assert_problem(gateway.post(f"{F}/reports", json=report, headers={**county_key, **key()}), 403,
                   field="body.reported_on")
    distribution = {"id": unique("dist"), "total": "1.00", "key": "equal", "allocated_on": "2019-06-01",
                    "recipients": [{"id": "dalarna-projekt", "project": True, "name": "Projekt"}]}
    url = f"{F}/allocations/{history['allocation']['id']}/shares/{history['receiver']['id']}/distributions"
    assert_problem(gateway.post(url, json=distribution, headers={**county_key, **key()}), 403,
                   field="body.allocated_on")
    assert len(_entries(gateway, admin_key, agreement_id)) == before


def test_every_day_follows_what_it_follows_and_none_is_in_the_future(gateway, admin_key):
    history = _history(gateway, admin_key)
    agreement_id = history["agreement"]["id"]
    line_url = f"{F}/agreements/{agreement_id}/lines/{history['agreement']['lines'][0]['id']}/allocations"
    before = len(_entries(gateway, admin_key, agreement_id))
    for day, rule in (("2018-12-31", "within_agreement"), ("2099-01-01", "not_in_future")):
        assert_problem(gateway.post(line_url, json={"id": unique("alloc"), "total": "1.00", "key": "equal",
                                                    "allocated_on": day,
                                                    "recipients": [{"id": history["receiver"]["id"]}]},
                                    headers={**admin_key, **key()}), 422, field="body.allocated_on", rule=rule)
    for day, rule in (("2019-01-15", "not_before_allocation"), ("2020-01-02", "before_last_requisition_date")):
        body = _requisition(history, requested_on=day)
        assert_problem(gateway.post(f"{F}/requisitions", json=body, headers={**admin_key, **key()}), 422,
                       field="body.requested_on", rule=rule)
        assert gateway.get(f"{F}/requisitions/{body['id']}", headers=admin_key).status_code == 404
    assert len(_entries(gateway, admin_key, agreement_id)) == before

    created = gateway.post(f"{F}/requisitions", json=_requisition(history, requested_on="2019-03-01"),
                           headers={**admin_key, **key()}).json()
    step = f"{F}/requisitions/{created['id']}"
    assert_problem(gateway.post(f"{step}/approve", json={"decided_on": "2019-02-28"}, headers={**admin_key, **key()}),
                   422, field="body.decided_on", rule="not_before_request")
    assert_problem(gateway.post(f"{step}/approve", json={"paid_on": "2019-03-02"}, headers={**admin_key, **key()}),
                   422, field="body.paid_on", rule="day_of_step")
    assert gateway.get(step, headers=admin_key).json()["status"] == "submitted"
    approved = gateway.post(f"{step}/approve", json={"decided_on": "2019-03-10"}, headers={**admin_key, **key()})
    assert approved.status_code == 200, approved.text
    assert_problem(gateway.post(f"{step}/pay", json={"paid_on": "2019-03-09"}, headers={**admin_key, **key()}),
                   422, field="body.paid_on", rule="not_before_approval")
    assert gateway.get(step, headers=admin_key).json()["status"] == "approved"
    assert [e["entry_type"] for e in _entries(gateway, admin_key, agreement_id)][before:] == ["requisition"]
