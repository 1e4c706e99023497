"""A county system changes only its own county's records: each finding of the attack on the platform, through the
gateway. Dalarna (county 20) owns the records; Stockholm (county 01) tries to change them."""

from __future__ import annotations

import httpx
import pytest

from tests.registry_helpers import create_organisation, create_person, create_post, create_relation, unique, with_etag
from tests.support import assert_problem


@pytest.fixture(scope="module")
def stockholm_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["county-01"]}


@pytest.fixture(scope="module")
def dalarna_org(gateway, county_key) -> dict:
    return create_organisation(gateway, county_key, name="FoU Dalarna Skyddad", county_code="20")


@pytest.fixture(scope="module")
def stockholm_org(gateway, stockholm_key) -> dict:
    return create_organisation(gateway, stockholm_key, name="FoU Stockholm Egen", county_code="01")


def audit_count(gateway: httpx.Client, admin_key: dict[str, str], entity_id: str) -> int:
    return gateway.get("/actors/audit", params={"entity_id": entity_id}, headers=admin_key).json()["count"]


@pytest.mark.parametrize("new_county", ["01", None], ids=["to-stockholm", "to-no-county"])
def test_a_county_cannot_move_an_organisation_out_of_its_county(gateway, county_key, stockholm_key, admin_key,
                                                                 new_county):
    org = create_organisation(gateway, county_key, name=unique("FoU Flyttas Inte"), county_code="20")
    url = f"/actors/organisations/{org['id']}"

    for key in (stockholm_key, county_key):  # neither the other county nor the owner itself may move it
        assert_problem(gateway.patch(url, json={"county_code": new_county}, headers=with_etag(key, gateway.get(url))),
                       403, field="body.county_code", rule="forbidden")

    assert gateway.get(url).json()["county_code"] == "20"
    assert audit_count(gateway, admin_key, org["id"]) == 1  # the create only
    moved = gateway.patch(url, json={"county_code": new_county}, headers=with_etag(admin_key, gateway.get(url)))
    assert (moved.status_code, moved.json()["county_code"]) == (200, new_county)


def test_a_county_cannot_create_a_post_in_another_countys_organisation(gateway, stockholm_key, dalarna_org,
                                                                       stockholm_org):
    post_id = unique("post")
    refused = gateway.post("/actors/posts", headers=stockholm_key, json={
        "id": post_id, "organisation_id": dalarna_org["id"], "role": "ordinary_member",
        "on_behalf_of_id": stockholm_org["id"]})
    assert_problem(refused, 403, field="body.organisation_id", rule="forbidden")
    assert gateway.get(f"/actors/posts/{post_id}").status_code == 404


def test_a_county_cannot_hold_a_post_on_behalf_of_another_countys_organisation(gateway, stockholm_key, dalarna_org,
                                                                               stockholm_org):
    refused = gateway.post("/actors/posts", headers=stockholm_key, json={
        "organisation_id": stockholm_org["id"], "role": "ordinary_member", "on_behalf_of_id": dalarna_org["id"]})
    assert_problem(refused, 403, field="body.on_behalf_of_id", rule="forbidden")


def test_a_county_cannot_fill_a_post_of_another_county(gateway, county_key, stockholm_key, dalarna_org):
    post = create_post(gateway, county_key, organisation_id=dalarna_org["id"])
    person = create_person(gateway, stockholm_key, given_name="Stina", family_name="Stockholmsson")
    membership_id = unique("mship")
    refused = gateway.post("/actors/memberships", headers=stockholm_key, json={
        "id": membership_id, "post_id": post["id"], "person_id": person["id"], "valid_from": "2024-01-01"})
    assert_problem(refused, 403, field="body.post_id", rule="forbidden")
    assert gateway.get(f"/actors/posts/{post['id']}").json()["holder"] is None


def test_a_county_relates_only_its_own_organisations_to_its_own_or_national_ones(gateway, stockholm_key,
                                                                                 dalarna_org, stockholm_org):
    from_dalarna = create_relation(gateway, stockholm_key, kind="member_of", subject=dalarna_org["id"],
                                   obj=stockholm_org["id"])
    assert_problem(from_dalarna, 403, field="body.subject_id", rule="forbidden")
    to_dalarna = create_relation(gateway, stockholm_key, kind="member_of", subject=stockholm_org["id"],
                                 obj=dalarna_org["id"])
    assert_problem(to_dalarna, 403, field="body.object_id", rule="forbidden")

    to_national = create_relation(gateway, stockholm_key, kind="member_of", subject=stockholm_org["id"], obj="skr")
    assert to_national.status_code == 201, to_national.text
    relations = gateway.get("/actors/relations", params={"organisation": dalarna_org["id"]}).json()
    assert relations["count"] == 0


def test_a_retried_create_of_another_countys_record_is_refused_not_answered(gateway, county_key, stockholm_key,
                                                                            dalarna_org):
    post = create_post(gateway, county_key, organisation_id=dalarna_org["id"], id=unique("post"))
    person = create_person(gateway, county_key, id=unique("person"), given_name="Dora", family_name="Dalsson",
                           email="dora.dalsson@example.org")
    membership = gateway.post("/actors/memberships", headers=county_key, json={
        "id": unique("mship"), "post_id": post["id"], "person_id": person["id"], "valid_from": "2024-01-01"})
    other = create_organisation(gateway, county_key, name="FoU Dalarna Andra", county_code="20")
    relation = create_relation(gateway, county_key, kind="member_of", subject=other["id"], obj=dalarna_org["id"],
                               id=unique("rel"))
    assert (membership.status_code, relation.status_code) == (201, 201)

    retries = {
        "/actors/organisations": {"id": dalarna_org["id"], "kind": "rd_unit", "name": "FoU Dalarna Skyddad",
                                  "county_code": "20"},
        "/actors/posts": {"id": post["id"], "organisation_id": dalarna_org["id"], "role": "ordinary_member"},
        "/actors/people": {"id": person["id"], "given_name": "Dora", "family_name": "Dalsson",
                           "email": "dora.dalsson@example.org"},
        "/actors/memberships": {"id": membership.json()["id"], "post_id": post["id"], "person_id": person["id"],
                                "valid_from": "2024-01-01"},
        "/actors/relations": {"id": relation.json()["id"], "kind": "member_of", "subject_id": other["id"],
                              "object_id": dalarna_org["id"]},
    }
    answered = {path: gateway.post(path, json=body, headers=stockholm_key) for path, body in retries.items()}
    assert {path: r.status_code for path, r in answered.items()} == {path: 403 for path in retries}
    assert all("dora.dalsson" not in r.text for r in answered.values())


def test_a_county_reads_the_audit_trail_of_its_own_countys_records_only(gateway, county_key, stockholm_key,
                                                                         admin_key, dalarna_org, stockholm_org):
    def seen_by(key: dict[str, str], entity_id: str) -> int:
        response = gateway.get("/actors/audit", params={"entity_id": entity_id}, headers=key)
        assert response.status_code == 200, response.text
        return response.json()["count"]

    assert (seen_by(county_key, dalarna_org["id"]), seen_by(stockholm_key, dalarna_org["id"])) == (1, 0)
    assert (seen_by(stockholm_key, stockholm_org["id"]), seen_by(county_key, stockholm_org["id"])) == (1, 0)
    assert seen_by(admin_key, dalarna_org["id"]) == 1
    everything_stockholm_sees = gateway.get("/actors/audit", params={"limit": 500}, headers=stockholm_key).json()
    assert dalarna_org["id"] not in {e["entity_id"] for e in everything_stockholm_sees["items"]}


def test_the_dashboard_sees_no_personal_data_in_the_audit_trail(gateway, county_key, admin_key, dashboard_key):
    person = create_person(gateway, county_key, given_name="Greta", family_name="Granskadsdotter",
                           email="greta.granskad@example.org", phone="+46 10 000 00 07")
    url = f"/actors/people/{person['id']}"
    changed = gateway.patch(url, json={"phone": "+46 10 000 00 08"}, headers=with_etag(county_key, gateway.get(url)))
    assert changed.status_code == 200, changed.text

    as_admin = gateway.get("/actors/audit", params={"entity_id": person["id"]}, headers=admin_key).text
    as_dashboard = gateway.get("/actors/audit", params={"entity_id": person["id"]}, headers=dashboard_key)
    assert "greta.granskad@example.org" in as_admin and "+46 10 000 00 08" in as_admin
    assert as_dashboard.json()["count"] == 2
    for personal in ("Greta", "Granskadsdotter", "greta.granskad", "+46 10 000 00 0"):
        assert personal not in as_dashboard.text


def test_people_carry_contact_details_only_for_those_entitled(gateway, county_key, stockholm_key, admin_key,
                                                              dashboard_key):
    family = unique("Listadsson")
    person = create_person(gateway, county_key, given_name="Lisa", family_name=family,
                           email="lisa.listad@example.org")

    def listed(key: dict[str, str]) -> dict:
        page = gateway.get("/actors/people", params={"name": family}, headers=key).json()
        assert [p["id"] for p in page["items"]] == [person["id"]]
        return page["items"][0]

    assert listed(county_key)["email"] == "lisa.listad@example.org"  # Dalarna manages the person
    assert listed(admin_key)["email"] == "lisa.listad@example.org"
    assert listed(stockholm_key)["email"] is None  # another county: the name, not a harvestable contact list
    assert listed(dashboard_key)["email"] is None
    # Asked for by id, one person at a time, the same: single reads in turn would make the same list.
    for key, email in ((county_key, "lisa.listad@example.org"), (admin_key, "lisa.listad@example.org"),
                       (stockholm_key, None), (dashboard_key, None)):
        assert gateway.get(f"/actors/people/{person['id']}", headers=key).json()["email"] == email
