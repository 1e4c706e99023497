"""Relations, posts and memberships: periods, overlaps, cycles, vacancies, personal data and erasure."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from services.actors.structure.schemas import Representatives
from tests.registry_helpers import create_organisation, create_person, create_post, create_relation, unique, with_etag
from tests.support import assert_problem


def test_part_of_cannot_go_round_in_a_circle(gateway, admin_key):
    a = create_organisation(gateway, admin_key, name="Cycle A", kind="other")
    b = create_organisation(gateway, admin_key, name="Cycle B", kind="other")
    c = create_organisation(gateway, admin_key, name="Cycle C", kind="other")
    assert create_relation(gateway, admin_key, kind="part_of", subject=a["id"], obj=b["id"]).status_code == 201
    assert create_relation(gateway, admin_key, kind="part_of", subject=b["id"], obj=c["id"]).status_code == 201

    assert_problem(create_relation(gateway, admin_key, kind="part_of", subject=c["id"], obj=a["id"]), 422,
                   field="body.object_id", rule="part_of_cycle")
    assert gateway.get("/actors/relations", params={"organisation": c["id"], "kind": "part_of"}).json()["count"] == 1


def test_relations_to_unknown_organisations_and_reversed_periods_are_refused(gateway, admin_key):
    a = create_organisation(gateway, admin_key, name="Lonely", kind="other")
    assert_problem(create_relation(gateway, admin_key, kind="member_of", subject=a["id"], obj="no-such-org"), 422,
                   field="body.object_id", rule="unknown_reference")
    assert_problem(create_relation(gateway, admin_key, kind="member_of", subject=a["id"], obj="skr",
                                   valid_from="2020-01-01", valid_to="2019-01-01"),
                   422, field="body.valid_to", rule="period_order")


def test_a_relation_is_closed_not_deleted_and_as_of_sees_both_sides(gateway, admin_key):
    owner = create_organisation(gateway, admin_key, name="Owner", kind="other")
    owned = create_organisation(gateway, admin_key, name="Owned", kind="rd_unit")
    created = create_relation(gateway, admin_key, kind="owner_of", subject=owner["id"], obj=owned["id"],
                              valid_from="2011-01-01")
    url = f"/actors/relations/{created.json()['id']}"
    closed = gateway.post(f"{url}/close", json={"valid_to": "2020-01-01"}, headers=with_etag(admin_key, created))

    assert closed.status_code == 200, closed.text
    in_2015 = gateway.get("/actors/relations", params={"organisation": owned["id"], "as_of": "2015-01-01"}).json()
    in_2021 = gateway.get("/actors/relations", params={"organisation": owned["id"], "as_of": "2021-01-01"}).json()
    assert (in_2015["count"], in_2021["count"]) == (1, 0)
    assert gateway.get(url).json()["valid_to"] == "2020-01-01"


def test_a_county_system_cannot_relate_two_organisations_outside_its_county(gateway, county_key):
    assert_problem(create_relation(gateway, county_key, kind="member_of", subject="municipality-0127",
                                   obj="county-01"), 403)


def test_a_post_exists_vacant_and_one_holder_at_a_time(gateway, admin_key):
    group = create_organisation(gateway, admin_key, name="Styrgrupp Test", kind="steering_group")
    post = create_post(gateway, admin_key, organisation_id=group["id"], role="chair", label="Chair")
    first = create_person(gateway, admin_key, given_name="Fiktiva", family_name="Förstasson")
    second = create_person(gateway, admin_key, given_name="Påhittade", family_name="Andrasson")

    assert gateway.get(f"/actors/posts/{post['id']}").json()["holder"] is None
    held = gateway.post("/actors/memberships", headers=admin_key,
                        json={"post_id": post["id"], "person_id": first["id"], "valid_from": "2019-01-01",
                              "valid_to": "2020-01-01"})
    assert held.status_code == 201, held.text
    overlap = gateway.post("/actors/memberships", headers=admin_key,
                           json={"post_id": post["id"], "person_id": second["id"], "valid_from": "2019-06-01"})
    assert_problem(overlap, 409, field="body.valid_from", rule="overlapping_membership")
    after = gateway.post("/actors/memberships", headers=admin_key,
                         json={"post_id": post["id"], "person_id": second["id"], "valid_from": "2020-01-01"})
    assert after.status_code == 201, after.text

    assert gateway.get(f"/actors/posts/{post['id']}", params={"as_of": "2019-03-01"}).json()["holder"]["name"] == \
        "Fiktiva Förstasson"
    assert gateway.get(f"/actors/posts/{post['id']}", params={"as_of": "2021-03-01"}).json()["holder"]["name"] == \
        "Påhittade Andrasson"
    assert gateway.get(f"/actors/posts/{post['id']}", params={"as_of": "2018-03-01"}).json()["holder"] is None
    vacant = gateway.get("/actors/posts", params={"organisation": group["id"], "vacant": "true",
                                                  "as_of": "2018-03-01"}).json()
    assert vacant["count"] == 1


def test_contact_details_are_for_the_registers_keepers_only(gateway, admin_key, dashboard_key):
    person = create_person(gateway, admin_key, given_name="Exempel", family_name="Kontaktsson",
                           email="exempel@example.org", phone="+46 10 000 00 00")
    url = f"/actors/people/{person['id']}"

    public = gateway.get(url).json()
    private = gateway.get(url, headers=admin_key).json()
    assert (public["name"], public["email"], public["phone"]) == ("Exempel Kontaktsson", None, None)
    assert gateway.get(url, headers=dashboard_key).json()["email"] is None  # signed in, but not a keeper
    assert (private["email"], private["phone"]) == ("exempel@example.org", "+46 10 000 00 00")
    assert_problem(gateway.get("/actors/people"), 401)


def test_erasure_replaces_the_identity_keeps_the_posts_and_is_audited(gateway, admin_key):
    group = create_organisation(gateway, admin_key, name="Erasure group", kind="reference_group")
    post = create_post(gateway, admin_key, organisation_id=group["id"])
    person = create_person(gateway, admin_key, given_name="Raderbar", family_name="Personsson",
                           email="raderbar@example.org")
    gateway.post("/actors/memberships", headers=admin_key,
                 json={"post_id": post["id"], "person_id": person["id"], "valid_from": "2019-01-01"})
    url = f"/actors/people/{person['id']}"

    erased = gateway.post(f"{url}/erase", headers=with_etag(admin_key, gateway.get(url)))
    assert erased.status_code == 200, erased.text
    assert (erased.json()["name"], erased.json()["email"], erased.json()["erased"]) == ("Erased person", None, True)
    holder = gateway.get(f"/actors/posts/{post['id']}", params={"as_of": "2019-06-01"}).json()["holder"]
    assert holder == {"id": person["id"], "name": "Erased person", "email": None, "phone": None}
    trail = gateway.get("/actors/audit", params={"entity_id": person["id"]}, headers=admin_key).text
    assert "Raderbar" not in trail and "raderbar@example.org" not in trail
    assert '"action":"erase"' in trail


def test_representatives_of_a_county_in_a_network_on_a_date(gateway, admin_key):
    network = create_organisation(gateway, admin_key, name=unique("Nätverk"), kind="national_network")
    rss = create_organisation(gateway, admin_key, name="FoU Uppsala Test", kind="rd_unit", county_code="03")
    post = create_post(gateway, admin_key, organisation_id=network["id"], on_behalf_of_id=rss["id"])
    person = create_person(gateway, admin_key, given_name="Representant", family_name="Exempelsson")
    gateway.post("/actors/memberships", headers=admin_key,
                 json={"post_id": post["id"], "person_id": person["id"], "valid_from": "2019-01-01",
                       "valid_to": "2020-01-01"})

    during = gateway.get("/actors/representatives", params={"county": "03", "network": network["id"],
                                                            "as_of": "2019-11-01"}).json()
    after = gateway.get("/actors/representatives", params={"county": "03", "network": network["id"],
                                                           "as_of": "2020-02-01"}).json()
    other_county = gateway.get("/actors/representatives", params={"county": "20", "network": network["id"]}).json()
    assert [p["holder"]["name"] for p in during["posts"]] == ["Representant Exempelsson"]
    assert [p["holder"] for p in after["posts"]] == [None]
    assert other_county["posts"] == []


def test_representatives_show_a_seats_own_contact_channels_and_vacancies(gateway, admin_key):
    network = create_organisation(gateway, admin_key, name=unique("Nätverk"), kind="national_network")
    region = create_organisation(gateway, admin_key, name="Region Västmanland Test", kind="region",
                                 county_code="19")
    contact_point = create_post(gateway, admin_key, organisation_id=network["id"], on_behalf_of_id=region["id"],
                                role="contact_person", label="Länets kontaktfunktion",
                                contacts=[{"kind": "email", "value": "kontakt.rss@example.org",
                                           "label": "Funktionsbrevlåda"}])
    vacant = create_post(gateway, admin_key, organisation_id=network["id"], on_behalf_of_id=region["id"])

    answer = gateway.get("/actors/representatives", headers=admin_key,
                         params={"county": "19", "network": network["id"], "as_of": "2025-01-01"}).json()

    by_id = {p["id"]: p for p in answer["posts"]}
    assert by_id[contact_point["id"]]["contacts"] == [
        {"kind": "email", "value": "kontakt.rss@example.org", "label": "Funktionsbrevlåda"}]
    assert by_id[vacant["id"]]["contacts"] == [] and by_id[vacant["id"]]["holder"] is None
    assert answer["network"]["name"] == network["name"]
    assert by_id[vacant["id"]]["on_behalf_of"] == {"id": region["id"], "kind": "region",
                                                   "name": "Region Västmanland Test", "county_code": "19"}
    # The answer is exactly what the published schema says: nothing missing, nothing extra.
    assert Representatives.model_validate(answer).model_dump(mode="json") == answer


def test_representatives_in_an_unknown_network_is_a_clear_422(gateway, admin_key):
    response = gateway.get("/actors/representatives", headers=admin_key,
                           params={"county": "19", "network": "no-such-network"})
    assert_problem(response, 422, field="query.network", rule="unknown_reference")


def test_concurrent_holders_of_one_post_never_both_win(gateway, stack, admin_key):
    group = create_organisation(gateway, admin_key, name="Race group", kind="working_committee")
    post = create_post(gateway, admin_key, organisation_id=group["id"], role="chair")
    people = [create_person(gateway, admin_key, given_name="Samtidig", family_name=f"Testsson {i}")
              for i in range(6)]

    def claim(person):
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
            return client.post("/actors/memberships", headers=admin_key,
                               json={"post_id": post["id"], "person_id": person["id"], "valid_from": "2024-01-01"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(r.status_code for r in pool.map(claim, people))

    assert statuses == [201, 409, 409, 409, 409, 409]
    assert gateway.get("/actors/memberships", params={"post": post["id"]}).json()["count"] == 1


def test_concurrent_updates_with_the_same_etag_one_wins_one_gets_412(gateway, stack, admin_key):
    org = create_organisation(gateway, admin_key, name="Race org", kind="other")
    url = f"/actors/organisations/{org['id']}"
    headers = with_etag(admin_key, gateway.get(url))

    def change(note):
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
            return client.patch(url, headers=headers, json={"note": note})

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(change, ["a", "b", "c", "d"]))

    assert sorted(r.status_code for r in responses) == [200, 412, 412, 412]
    winner = next(r for r in responses if r.status_code == 200).json()["note"]
    assert gateway.get(url).json()["note"] == winner
