"""Stockholm 2019 (seed 000) through the gateway: the state funds the county's RSS received that year, paid to
Storsthlm, and Storsthlm's onward distribution of the psychiatric-health money with the county's 4 % set-aside for
"Uppdrag psykisk hälsa"; every row of a distribution, set-aside or not, stays in the distributor's county and is
booked there, so county 01's figures are whole and nothing sits under no county. A set-aside for a recipient in
another county is refused, in the preview and on saving, and nothing is stored.

The seed's figures: violence against women 1.8 MSEK; "En investering för utvecklade förutsättningar för vårdens
medarbetare" about 23 MSEK; psychiatric health 2019 about 27 MSEK for collaboration and about 30 MSEK for the
youth clinics, shared equally with Region Stockholm (the region's half: 15 MSEK); the county's municipalities and
the region set aside 4 % of their psychiatric-health stimulus funds for "Uppdrag psykisk hälsa". How Storsthlm
split the rest among the 26 municipalities the seed does not say: here by the registry's populations (2021, its
earliest year). The receivers are demo organisations with made-up organisation numbers.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.funding_requests import key, register_receiver, unique
from tests.support import assert_problem

F = "/funding"


def agreement(gateway: httpx.Client, admin: dict, name: str, lines: list[tuple[str, str, str]]) -> dict:
    """An agreement of 2019 with lines (id suffix, area, total)."""
    agreement_id = unique("sthlm-2019")
    body = {"id": agreement_id, "name": name, "registry_number": unique("S2019"), "first_year": 2019,
            "last_year": 2019, "areas": sorted({area for _, area, _ in lines}),
            "lines": [{"id": f"{agreement_id}-{suffix}", "area": area, "year": 2019, "total": total,
                       "allocation_key": "fixed", "requisition_last_date": "2099-06-30",
                       "report_due_date": "2099-12-31"} for suffix, area, total in lines]}
    created = gateway.post(F + "/agreements", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return created.json()


def allocate(gateway: httpx.Client, admin: dict, agreement_: dict, line: int, recipients: list[dict]) -> dict:
    url = f"{F}/agreements/{agreement_['id']}/lines/{agreement_['lines'][line]['id']}/allocations"
    answer = gateway.post(url, json={"id": unique("alloc"), "key": "equal", "recipients": recipients},
                          headers={**admin, **key()})
    assert answer.status_code == 201, answer.text
    return answer.json()


def requisition_paid(gateway: httpx.Client, admin: dict, county: dict, allocation: dict, receiver: dict) -> None:
    """The receiver's whole share requisitioned by the county's system, approved and paid by the agency."""
    amount = next(s["amount"] for s in allocation["shares"] if s["recipient_id"] == receiver["id"])
    created = gateway.post(F + "/requisitions", json={
        "id": unique("req"), "allocation_id": allocation["id"], "recipient_id": receiver["id"], "amount": amount,
        "signed_by": receiver["signatory"]}, headers={**county, **key()})
    assert created.status_code == 201, created.text
    for step in ("approve", "pay"):
        moved = gateway.post(f"{F}/requisitions/{created.json()['id']}/{step}", headers={**admin, **key()})
        assert moved.status_code == 200, moved.text


def kronor(text: str) -> Decimal:
    return Decimal(text)


def test_stockholm_2019_county_01_figures_are_whole(stack, gateway, admin_key):
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    storsthlm = register_receiver(gateway, admin_key, county="01", name="Storsthlm (demo receiver)",
                                  kind="municipal_association")
    region = register_receiver(gateway, admin_key, county="01", name="Region Stockholm (demo receiver)")
    # Uppdrag psykisk hälsa as a body without a county of its own: its set-aside is booked in county 01
    uph = register_receiver(gateway, admin_key, county=None, name="Uppdrag psykisk hälsa (demo)",
                            kind="national_body")

    kvinnofrid = agreement(gateway, admin_key, "Kvinnofrid 2019", [("kvinnofrid", "kvinnofrid", "1800000.00")])
    medarbetare = agreement(gateway, admin_key, "En investering för utvecklade förutsättningar för vårdens "
                                                "medarbetare 2019", [("medarbetare", "vårdens medarbetare",
                                                                      "23000000.00")])
    psykisk = agreement(gateway, admin_key, "Överenskommelse inom området psykisk hälsa 2019", [
        ("samverkan", "psykisk hälsa, samverkan", "27000000.00"),
        ("ungdomsmottagningar", "psykisk hälsa, ungdomsmottagningar", "30000000.00")])
    agreements = (kvinnofrid, medarbetare, psykisk)

    to_storsthlm = [allocate(gateway, admin_key, kvinnofrid, 0, [{"id": storsthlm["id"]}]),
                    allocate(gateway, admin_key, medarbetare, 0, [{"id": storsthlm["id"]}])]
    samverkan = allocate(gateway, admin_key, psykisk, 0, [{"id": storsthlm["id"]}])
    halves = allocate(gateway, admin_key, psykisk, 1, [{"id": storsthlm["id"]}, {"id": region["id"]}])
    assert [s["amount"] for s in halves["shares"]] == ["15000000.00", "15000000.00"]  # the region's half
    for allocation in (*to_storsthlm, samverkan, halves):
        requisition_paid(gateway, admin_key, stockholm, allocation, storsthlm)
    requisition_paid(gateway, admin_key, stockholm, halves, region)

    municipalities = gateway.get("/actors/municipalities", params={"county": "01", "limit": 500},
                                 headers=admin_key).json()["items"]
    assert len(municipalities) == 26
    body = {"total": "27000000.00", "key": "population", "basis_year": 2021,
            "recipients": [{"id": m["code"]} for m in municipalities],
            "set_asides": [{"recipient": {"id": uph["id"]}, "percent": "4",
                            "purpose": "Uppdrag psykisk hälsa Stockholms län"}]}
    url = f"{F}/allocations/{samverkan['id']}/shares/{storsthlm['id']}/distributions"
    preview = gateway.post(url + "/preview", json=body, headers=stockholm)
    assert preview.status_code == 200, preview.text
    distribution = gateway.post(url, json={"id": unique("sthlm-uph"), **body}, headers={**stockholm, **key()})
    assert distribution.status_code == 201, distribution.text
    answer = distribution.json()
    assert answer["shares"] == preview.json()["shares"] and answer["sum"] == "27000000.00"
    set_aside = next(s for s in answer["shares"] if s["basis"] == "set_aside")
    assert (set_aside["recipient_id"], set_aside["amount"], set_aside["county_code"]) == (
        uph["id"], "1080000.00", "01")
    rest = [s for s in answer["shares"] if s["basis"] != "set_aside"]
    assert sum(kronor(s["amount"]) for s in rest) == 25_920_000 and len(rest) == 26
    assert {s["county_code"] for s in answer["shares"]} == {"01"}
    stored = gateway.get(f"{F}/allocations/{answer['id']}", headers=stockholm).json()
    assert stored["shares"] == answer["shares"]

    # Per county, summed over the year's three agreements: county 01 whole, nothing under no county but the
    # state's commitment (which belongs to the agreement, not to a county)
    totals: dict[str | None, dict[str, Decimal]] = {}
    for each in agreements:
        balances = gateway.get(f"{F}/agreements/{each['id']}/balances", params={"by": "county"},
                               headers=stockholm).json()
        for group in balances["groups"]:
            into = totals.setdefault(group["group"], {})
            for column, value in group.items():
                if column != "group":
                    into[column] = into.get(column, Decimal(0)) + kronor(value)
    assert set(totals) <= {"01", None}
    county = totals["01"]
    assert county["allocated"] == 1_800_000 + 23_000_000 + 27_000_000 + 30_000_000
    assert county["paid"] == county["requisitioned"] == 81_800_000
    assert county["distributed"] == 27_000_000
    nowhere = totals.get(None, {})
    assert nowhere.get("committed") == 81_800_000
    assert all(value == 0 for column, value in nowhere.items() if column != "committed"), nowhere

    by_recipient = gateway.get(f"{F}/agreements/{psykisk['id']}/balances", params={"by": "recipient"},
                               headers=stockholm).json()
    uph_row = next(g for g in by_recipient["groups"] if g["group"] == uph["id"])
    assert uph_row["distributed"] == "1080000.00"
    export = gateway.get(f"{F}/counties/01/exports/shares.csv", params={"delimiter": "comma"}, headers=stockholm)
    assert export.status_code == 200
    assert any(uph["id"] in line and answer["id"] in line for line in export.text.splitlines())


def test_a_set_aside_for_a_recipient_in_another_county_is_refused_and_nothing_is_stored(stack, gateway,
                                                                                         admin_key):
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    storsthlm = register_receiver(gateway, admin_key, county="01", name="Storsthlm (demo receiver)",
                                  kind="municipal_association")
    dalarna_unit = register_receiver(gateway, admin_key, county="20", name="FoU Dalarna (demo)", kind="rd_unit")
    psykisk = agreement(gateway, admin_key, "Psykisk hälsa 2019", [("samverkan", "psykisk hälsa", "27000.00")])
    samverkan = allocate(gateway, admin_key, psykisk, 0, [{"id": storsthlm["id"]}])
    requisition_paid(gateway, admin_key, stockholm, samverkan, storsthlm)
    url = f"{F}/allocations/{samverkan['id']}/shares/{storsthlm['id']}/distributions"
    ledger = f"{F}/agreements/{psykisk['id']}/ledger"
    before = gateway.get(ledger, headers=stockholm).json()["entries"]
    dalarna_before = gateway.get(f"{F}/counties/20/exports/shares.csv", headers=admin_key).text

    for outsider in ("2080", dalarna_unit["id"]):  # Falun; a receiver of county 20
        body = {"total": "5000.00", "key": "equal", "recipients": [{"id": "0180"}, {"id": "0184"}],
                "set_asides": [{"recipient": {"id": outsider}, "percent": "10", "purpose": "Fel län"}]}
        assert_problem(gateway.post(url + "/preview", json=body, headers=stockholm), 422,
                       field="body.set_asides.0.recipient", rule="within_county")
        saved_id = unique("sthlm-fel")
        assert_problem(gateway.post(url, json={"id": saved_id, **body}, headers={**stockholm, **key()}), 422,
                       field="body.set_asides.0.recipient", rule="within_county")
        assert gateway.get(f"{F}/allocations/{saved_id}", headers=admin_key).status_code == 404
    # a project of the distributor's own, set aside, is booked in its county
    project = {"total": "5000.00", "key": "equal", "recipients": [{"id": "0180"}],
               "set_asides": [{"recipient": {"id": "uph-projekt", "project": True, "name": "UPH-projektet"},
                               "percent": "4"}]}
    preview = gateway.post(url + "/preview", json=project, headers=stockholm)
    assert preview.status_code == 200, preview.text
    assert {s["county_code"] for s in preview.json()["shares"]} == {"01"}

    assert gateway.get(ledger, headers=stockholm).json()["entries"] == before
    assert gateway.get(f"{F}/counties/20/exports/shares.csv", headers=admin_key).text == dalarna_before
