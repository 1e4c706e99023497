"""A unit without an organisation number of its own (an R&D unit) receives money through its legal entity: the
organisation it is part of in the actor registry, with its number, is the payee. The share stays the unit's (the
ledger names the unit as receiver, balances are per unit); allocations, distributions and requisitions show both
the unit and the payee. A unit part of no legal entity, or of two, cannot receive money."""

from __future__ import annotations

import httpx

from tests.funding_requests import (
    allocations_url,
    create_agreement,
    key,
    paid,
    receiver_allocation,
    register_receiver,
    unique,
)
from tests.support import assert_problem


def register_unit(gateway: httpx.Client, admin: dict, *, part_of: list[str], county: str = "20") -> str:
    """An R&D unit without an organisation number, part of each of `part_of` from 2020."""
    unit_id = unique("fou-demo")
    created = gateway.post("/actors/organisations", json={"id": unit_id, "kind": "rd_unit",
                                                          "name": "FoU-enheten (demo)", "county_code": county},
                           headers=admin)
    assert created.status_code == 201, created.text
    for parent in part_of:
        relation = gateway.post("/actors/relations", json={"kind": "part_of", "subject_id": unit_id,
                                                           "object_id": parent, "valid_from": "2020-01-01"},
                                headers=admin)
        assert relation.status_code == 201, relation.text
    return unit_id


def test_a_unit_is_paid_through_the_municipality_it_is_part_of(gateway, admin_key, county_key):
    # A municipal association: a legal entity with its number (a municipality would join the 290 of the register)
    municipality = register_receiver(gateway, admin_key, name="Demokommunalförbundet (demo)",
                                     kind="municipal_association")
    unit = register_unit(gateway, admin_key, part_of=[municipality["id"]])
    payee = {"id": municipality["id"], "name": "Demokommunalförbundet (demo)",
             "org_number": municipality["org_number"]}

    agreement = create_agreement(gateway, admin_key)
    created = gateway.post(allocations_url(agreement), json={
        "id": unique("alloc"), "total": "300000.00", "key": "equal", "recipients": [{"id": unit}]},
        headers={**admin_key, **key()})
    assert created.status_code == 201, created.text
    allocation = created.json()
    share = allocation["shares"][0]
    assert (share["recipient_id"], share["name"], share["county_code"], share["payee"]) == (
        unit, "FoU-enheten (demo)", "20", payee)
    assert gateway.get(f"/funding/allocations/{allocation['id']}", headers=county_key).json() == allocation

    requisition = gateway.post("/funding/requisitions", json={
        "id": unique("req"), "allocation_id": allocation["id"], "recipient_id": unit, "amount": "300000.00",
        "signed_by": municipality["signatory"]}, headers={**county_key, **key()})
    assert requisition.status_code == 201, requisition.text
    answer = requisition.json()
    assert (answer["recipient_id"], answer["payee"], answer["receiver_org_number"]) == (
        unit, payee, municipality["org_number"])
    for step in ("approve", "pay"):
        moved = gateway.post(f"/funding/requisitions/{answer['id']}/{step}", headers={**admin_key, **key()})
        assert moved.status_code == 200, moved.text
    assert moved.json()["payee"] == payee and moved.json()["status"] == "paid"
    assert gateway.get(f"/funding/requisitions/{answer['id']}", headers=county_key).json()["payee"] == payee

    entries = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=county_key).json()["entries"]
    moving = [e for e in entries if e["entry_type"] in ("allocation", "requisition", "disbursement")]
    assert [(e["entry_type"], e["receiver"]) for e in moving] == [
        ("allocation", unit), ("requisition", unit), ("disbursement", unit)]
    balances = gateway.get(f"/funding/agreements/{agreement['id']}/balances", params={"by": "recipient"},
                           headers=county_key).json()
    groups = {g["group"]: g for g in balances["groups"]}
    assert groups[unit]["paid"] == "300000.00" and municipality["id"] not in groups

    # Passed on within the county: the unit's row names its payee too
    _agreement, dalarna = receiver_allocation(gateway, admin_key)
    paid(gateway, admin_key, county_key, dalarna, "1000.00")
    receiver_id = dalarna["receivers"]["20"]["id"]
    distribution = gateway.post(f"/funding/allocations/{dalarna['id']}/shares/{receiver_id}/distributions", json={
        "id": unique("dist"), "total": "1000.00", "key": "equal", "recipients": [{"id": unit}, {"id": "2080"}]},
        headers={**county_key, **key()})
    assert distribution.status_code == 201, distribution.text
    rows = {s["recipient_id"]: s for s in distribution.json()["shares"]}
    assert rows[unit]["payee"] == payee and rows["2080"]["payee"] is None
    receiver_row = gateway.get(f"/funding/allocations/{dalarna['id']}", headers=county_key).json()["shares"][0]
    assert receiver_row["payee"]["id"] == receiver_row["recipient_id"]  # a receiver with its own number


def test_a_unit_without_one_legal_entity_cannot_receive_money(gateway, admin_key):
    agreement = create_agreement(gateway, admin_key)
    alone = register_unit(gateway, admin_key, part_of=[])
    first = register_receiver(gateway, admin_key, name="Kommunalförbund A (demo)", kind="municipal_association")
    second = register_receiver(gateway, admin_key, name="Kommunalförbund B (demo)", kind="municipal_association")
    shared = register_unit(gateway, admin_key, part_of=[first["id"], second["id"]])
    preview = gateway.post(allocations_url(agreement) + "/preview", json={
        "total": "1000.00", "key": "equal", "recipients": [{"id": alone}, {"id": shared}]}, headers=admin_key)
    problem = assert_problem(preview, 422, field="body.recipients.0.id", rule="receiver_has_org_number")
    assert any(e["field"] == "body.recipients.1.id" and e["rule"] == "one_payee" for e in problem["errors"])
