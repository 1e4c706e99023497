"""Requests the funding tests make through the gateway: agreements, allocations and requisitions."""

from __future__ import annotations

import random
import uuid

import httpx
from stdnum.se import orgnr

DALARNA = [  # SCB code, name, population basis (DOMAIN.md), the seed's new contribution from 2023 (SEK)
    ("2084", "Avesta", 22986, 159414), ("2081", "Borlänge", 52460, 363823), ("2080", "Falun", 59752, 414395),
    ("2026", "Gagnef", 10455, 72508), ("2083", "Hedemora", 15495, 107462), ("2029", "Leksand", 15940, 110548),
    ("2085", "Ludvika", 26613, 184568), ("2023", "Malung-Sälen", 10184, 70629), ("2062", "Mora", 20544, 142478),
    ("2034", "Orsa", 6939, 48124), ("2031", "Rättvik", 11079, 76836), ("2061", "Smedjebacken", 10909, 75657),
    ("2082", "Säter", 11203, 77696), ("2021", "Vansbro", 6790, 47090), ("2039", "Älvdalen", 7033, 48776),
]


_RECEIVERS: dict[tuple[str, str], dict[str, str]] = {}


def org_number() -> str:
    """A made-up organisation number that passes the Luhn check (the registry keeps each one once)."""
    while True:
        digits = f"{random.randint(2, 9)}{random.randint(20, 99)}{random.randint(0, 999999):06d}"[:9]
        for check in "0123456789":
            if orgnr.is_valid(digits + check):
                return orgnr.format(digits + check)


def register_receiver(gateway: httpx.Client, admin: dict[str, str], *, county: str | None = "20",
                      name: str = "Region Dalarna (demo receiver)", kind: str = "region") -> dict[str, str]:
    """A receiver in the actor registry: an organisation with an organisation number (in `county`, or in none:
    a national body) and a fictional person holding its signatory post from 2020. {"id", "signatory",
    "org_number"}."""
    organisation_id = unique(f"receiver-{county or 'national'}")
    number = org_number()
    person_id = unique("signatory")
    post_id = unique("post-signatory")
    for path, body in (
            ("/actors/organisations", {"id": organisation_id, "kind": kind, "name": name, "county_code": county,
                                       "identifiers": [{"scheme": "org_number", "value": number}]}),
            ("/actors/people", {"id": person_id, "given_name": "Exempel", "family_name": "Firmatecknare"}),
            ("/actors/posts", {"id": post_id, "organisation_id": organisation_id, "role": "signatory",
                               "label": "Firmatecknare"}),
            ("/actors/memberships", {"post_id": post_id, "person_id": person_id, "valid_from": "2020-01-01"})):
        response = gateway.post(path, json=body, headers=admin)
        assert response.status_code == 201, response.text
    return {"id": organisation_id, "signatory": person_id, "org_number": number}


def receiver(gateway: httpx.Client, admin: dict[str, str], county: str) -> dict[str, str]:
    """One registered receiver per county and stack, made the first time a test needs it."""
    known = (str(gateway.base_url), county)
    if known not in _RECEIVERS:
        _RECEIVERS[known] = register_receiver(gateway, admin, county=county,
                                              name=f"Region {'Dalarna' if county == '20' else county} (demo)")
    return _RECEIVERS[known]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def agreement_body(*, total: str = "4000000.00", last_date: str = "2099-06-30", key_name: str = "fixed",
                   report_due: str = "2099-12-31") -> dict:
    agreement_id = unique("dalarna-2023")
    return {"id": agreement_id, "name": "RSS Dalarna 2023-2026", "registry_number": unique("DNR"),
            "first_year": 2023, "last_year": 2026, "areas": ["utvecklingsledare"],
            "lines": [{"id": agreement_id + "-2023", "area": "utvecklingsledare", "year": 2023, "total": total,
                       "allocation_key": key_name, "requisition_last_date": last_date,
                       "report_due_date": report_due, "conditions": "Fyra utvecklingsledartjänster"}]}


def create_agreement(gateway: httpx.Client, admin: dict[str, str], **kwargs) -> dict:
    response = gateway.post("/funding/agreements", json=agreement_body(**kwargs), headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def allocations_url(agreement: dict) -> str:
    return f"/funding/agreements/{agreement['id']}/lines/{agreement['lines'][0]['id']}/allocations"


def dalarna_population_split(total: str = "2000000.00") -> dict:
    return {"total": total, "key": "population", "rounding": "krona", "basis_year": 2021,
            "recipients": [{"id": code, "name": name, "population": population}
                           for code, name, population, _ in DALARNA]}


def allocate(gateway: httpx.Client, admin: dict[str, str], agreement: dict, body: dict) -> dict:
    response = gateway.post(allocations_url(agreement), json={"id": unique("alloc"), **body},
                            headers={**admin, **key()})
    assert response.status_code == 201, response.text
    return response.json()


def receiver_allocation(gateway: httpx.Client, admin: dict[str, str], *, amount: str = "1000000.00",
                        last_date: str = "2099-06-30", report_due: str = "2099-12-31") -> tuple[dict, dict]:
    """An agreement whose line gives Dalarna's receiver (county 20) and Stockholm's (01) each `amount`; the
    allocation carries the receivers as `receivers` ({county: receiver})."""
    agreement = create_agreement(gateway, admin, last_date=last_date, report_due=report_due)
    dalarna, stockholm = receiver(gateway, admin, "20"), receiver(gateway, admin, "01")
    allocation = allocate(gateway, admin, agreement, {
        "total": str(2 * int(amount.split(".")[0])), "key": "equal",
        "recipients": [{"id": dalarna["id"]}, {"id": stockholm["id"]}]})
    allocation["receivers"] = {"20": dalarna, "01": stockholm}
    return agreement, allocation


def requisition(allocation: dict, amount: str, county: str = "20", **extra) -> dict:
    who = allocation["receivers"][county]
    return {"id": unique("req"), "allocation_id": allocation["id"], "recipient_id": who["id"], "amount": amount,
            "signed_by": who["signatory"], **extra}


def paid(gateway: httpx.Client, admin: dict, county: dict, allocation: dict, amount: str) -> dict:
    """A requisition of `amount` by Dalarna's receiver, approved and paid."""
    created = gateway.post("/funding/requisitions", json=requisition(allocation, amount),
                           headers={**county, **key()}).json()
    for step in ("approve", "pay"):
        answer = gateway.post(f"/funding/requisitions/{created['id']}/{step}", headers={**admin, **key()})
        assert answer.status_code == 200, answer.text
    return answer.json()
