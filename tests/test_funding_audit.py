"""Funding's audit trail through the gateway: a requisition submitted by its county and approved and paid by the
agency shows who took each step; Dalarna's county system reads its own requisition's events and not Stockholm's,
the national level and the dashboard read every event, a respondent key reads none."""

from __future__ import annotations

import pytest

from tests.funding_requests import key, receiver_allocation, requisition
from tests.support import assert_problem


@pytest.fixture(scope="module")
def stockholm_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["county-01"]}


@pytest.fixture(scope="module")
def falun_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["municipality-2080"]}


def subject(gateway, headers: dict[str, str]) -> str:
    return gateway.get("/whoami", headers=headers).json()["subject"]


def trail(gateway, headers: dict[str, str], **params: str) -> list[dict]:
    found = gateway.get("/funding/audit", headers=headers, params={"limit": 100, **params})
    assert found.status_code == 200, found.text
    return found.json()["items"]


def test_an_approved_and_paid_requisition_shows_who_took_each_step_to_its_own_county(
        gateway, admin_key, county_key, stockholm_key, dashboard_key):
    _, allocation = receiver_allocation(gateway, admin_key)
    dalarna = gateway.post("/funding/requisitions", json=requisition(allocation, "1000.00"),
                           headers={**county_key, **key()})
    assert dalarna.status_code == 201, dalarna.text
    dalarna_id = dalarna.json()["id"]
    for step in ("approve", "pay"):
        moved = gateway.post(f"/funding/requisitions/{dalarna_id}/{step}", headers={**admin_key, **key()})
        assert moved.status_code == 200, moved.text
    stockholm = gateway.post("/funding/requisitions", json=requisition(allocation, "2000.00", county="01"),
                             headers={**stockholm_key, **key()})
    assert stockholm.status_code == 201, stockholm.text
    stockholm_id = stockholm.json()["id"]

    county, agency = subject(gateway, county_key), subject(gateway, admin_key)
    events = trail(gateway, county_key, entity_type="requisition", entity_id=dalarna_id)
    assert [(e["actor"], e["action"], e["county_code"]) for e in events] == [
        (county, "create", "20"), (county, "submit", "20"), (agency, "approve", "20"), (agency, "pay", "20")]
    assert [e["after"]["status"] for e in events] == ["draft", "submitted", "approved", "paid"]
    assert events[-1]["after"]["paid_on"] == gateway.get(f"/funding/requisitions/{dalarna_id}",
                                                         headers=county_key).json()["paid_on"]
    assert events[-1]["after"]["amount_ore"] == 100_000

    assert trail(gateway, county_key, entity_type="requisition", entity_id=stockholm_id) == []
    assert {e["county_code"] for e in trail(gateway, county_key)} == {"20"}
    assert [e["action"] for e in trail(gateway, stockholm_key, entity_id=stockholm_id)] == ["create", "submit"]
    assert trail(gateway, stockholm_key, entity_id=dalarna_id) == []
    for national in (admin_key, dashboard_key):
        assert len(trail(gateway, national, entity_type="requisition", entity_id=dalarna_id)) == 4
        made = trail(gateway, national, entity_type="allocation", entity_id=allocation["id"])
        assert [(e["actor"], e["action"], e["county_code"]) for e in made] == [(agency, "allocate", None)]


def test_a_respondent_key_reads_no_trail_and_the_filters_are_checked(gateway, falun_key, county_key):
    assert_problem(gateway.get("/funding/audit", headers=falun_key), 403)
    assert_problem(gateway.get("/funding/audit"), 401)
    assert_problem(gateway.get("/funding/audit", headers=county_key, params={"entity_type": "person"}), 422,
                   field="query.entity_type")


def test_the_trail_is_documented(gateway):
    operation = gateway.get("/openapi.json").json()["paths"]["/funding/audit"]["get"]
    assert operation["operationId"] == "listFundingAuditEvents"
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"entity_type", "entity_id", "actor", "limit", "cursor"}
