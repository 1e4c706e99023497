"""Organisations: creating, renaming, closing, identifiers, as-of reads, concurrency and the audit trail."""

from tests.registry_helpers import create_organisation, unique, with_etag
from tests.support import assert_problem


def test_a_county_system_registers_an_organisation_in_its_county(gateway, county_key):
    created = create_organisation(gateway, county_key, name="FoU Dalarna Väst", county_code="20",
                                  identifiers=[{"scheme": "org_number", "value": "2120002627"}])

    read = gateway.get(f"/actors/organisations/{created['id']}", headers=county_key)
    assert read.json()["name"] == "FoU Dalarna Väst"
    assert read.json()["identifiers"] == [{"scheme": "org_number", "value": "212000-2627"}]
    assert read.headers["etag"] == '"1"'


def test_a_retried_create_with_the_same_id_creates_nothing_new(gateway, county_key):
    body = {"id": unique("retry"), "kind": "rd_unit", "name": "FoU Retry", "county_code": "20"}
    first = gateway.post("/actors/organisations", json=body, headers=county_key)
    second = gateway.post("/actors/organisations", json=body, headers=county_key)
    clash = gateway.post("/actors/organisations", json={**body, "name": "Another"}, headers=county_key)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert_problem(clash, 409)
    assert_problem(clash, 409, field="body.id", rule="conflict")  # the field at fault is named


def test_a_county_system_cannot_write_outside_its_county(gateway, county_key):
    body = assert_problem(gateway.post("/actors/organisations", headers=county_key,
                                       json={"kind": "rd_unit", "name": "FoU Annan", "county_code": "01"}), 403)
    assert "county 01" in body["detail"]
    listed = gateway.get("/actors/organisations", params={"name": "FoU Annan"}).json()
    assert listed["count"] == 0


def test_the_dashboard_reads_but_does_not_write(gateway, dashboard_key):
    assert gateway.get("/actors/organisations", headers=dashboard_key).status_code == 200
    assert_problem(gateway.post("/actors/organisations", headers=dashboard_key,
                                json={"kind": "rd_unit", "name": "X", "county_code": "20"}), 403)


def test_an_invalid_organisation_number_is_refused_with_its_field(gateway, admin_key):
    name = unique("Luhn")
    assert_problem(gateway.post("/actors/organisations", headers=admin_key,
                                json={"kind": "rd_unit", "name": name,
                                      "identifiers": [{"scheme": "org_number", "value": "212000-0143"}]}),
                   422, field="body.identifiers.0.value", rule="org_number")
    assert gateway.get("/actors/organisations", params={"name": name}).json()["count"] == 0


def test_unknown_codes_and_reversed_periods_are_refused(gateway, admin_key):
    assert_problem(gateway.post("/actors/organisations", headers=admin_key,
                                json={"kind": "rd_unit", "name": "X", "county_code": "02"}),
                   422, field="body.county_code", rule="unknown_reference")
    assert_problem(gateway.post("/actors/organisations", headers=admin_key,
                                json={"kind": "rd_unit", "name": "X",
                                      "identifiers": [{"scheme": "scb_municipality", "value": "2099"}]}),
                   422, field="body.identifiers.0.value", rule="unknown_reference")
    assert_problem(gateway.post("/actors/organisations", headers=admin_key,
                                json={"kind": "rd_unit", "name": "X", "valid_from": "2020-01-01",
                                      "valid_to": "2019-01-01"}),
                   422, field="body.valid_to", rule="period_order")
    assert_problem(gateway.post("/actors/organisations", headers=admin_key, json={"kind": "castle", "name": "X"}),
                   422, field="body.kind", rule="enum")


def test_an_identifier_already_in_use_is_a_conflict(gateway, admin_key):
    create_organisation(gateway, admin_key, name="Holder", identifiers=[{"scheme": "org_number",
                                                                         "value": "212000-1355"}])
    second = gateway.post("/actors/organisations", headers=admin_key,
                          json={"kind": "other", "name": "Second",
                                "identifiers": [{"scheme": "org_number", "value": "2120001355"}]})
    assert_problem(second, 409)
    assert_problem(second, 409, field="body.identifiers.0.value", rule="conflict")


def test_a_rename_keeps_the_old_name_in_history_and_as_of_reads_show_either(gateway, admin_key):
    org = create_organisation(gateway, admin_key, name="Kommunförbundet Test", valid_from="2005-01-01")
    url = f"/actors/organisations/{org['id']}"
    renamed = gateway.post(f"{url}/names", headers=with_etag(admin_key, gateway.get(url)),
                           json={"name": "Testförbundet", "valid_from": "2016-06-01"})

    assert renamed.status_code == 200, renamed.text
    assert gateway.get(url, params={"as_of": "2016-05-31"}).json()["name"] == "Kommunförbundet Test"
    assert gateway.get(url, params={"as_of": "2016-06-01"}).json()["name"] == "Testförbundet"
    assert [n["name"] for n in gateway.get(url).json()["names"]] == ["Kommunförbundet Test", "Testförbundet"]
    found = gateway.get("/actors/organisations", params={"name": "kommunforbundet test"}).json()
    assert org["id"] in [o["id"] for o in found["items"]]


def test_a_stale_write_gets_412_and_a_missing_if_match_428(gateway, admin_key):
    org = create_organisation(gateway, admin_key, name="Concurrent")
    url = f"/actors/organisations/{org['id']}"
    first_read = gateway.get(url)
    assert gateway.patch(url, json={"note": "first"}, headers=with_etag(admin_key, first_read)).status_code == 200

    stale = gateway.patch(url, json={"note": "second"}, headers=with_etag(admin_key, first_read))
    assert_problem(stale, 412)
    assert_problem(gateway.patch(url, json={"note": "third"}, headers=admin_key), 428)
    assert gateway.get(url).json()["note"] == "first"


def test_closing_ends_validity_and_deletes_nothing(gateway, admin_key):
    org = create_organisation(gateway, admin_key, name="Closing FoU", valid_from="2010-01-01")
    url = f"/actors/organisations/{org['id']}"
    closed = gateway.post(f"{url}/close", json={"valid_to": "2020-01-01", "note": "Wound down"},
                          headers=with_etag(admin_key, gateway.get(url)))

    assert closed.status_code == 200, closed.text
    assert gateway.get(url, params={"as_of": "2019-12-31"}).json()["active"] is True
    assert gateway.get(url, params={"as_of": "2020-01-01"}).json()["active"] is False
    active_ids = [o["id"] for o in gateway.get("/actors/organisations", params={"name": "Closing FoU"}).json()["items"]]
    assert org["id"] not in active_ids
    listed_2015 = gateway.get("/actors/organisations", params={"name": "Closing FoU", "as_of": "2015-01-01"}).json()
    assert org["id"] in [o["id"] for o in listed_2015["items"]]


def test_every_change_is_in_the_audit_trail_with_who_before_and_after(gateway, admin_key, county_key):
    org = create_organisation(gateway, county_key, name="Audited", county_code="20")
    url = f"/actors/organisations/{org['id']}"
    gateway.patch(url, json={"note": "changed"}, headers=with_etag(county_key, gateway.get(url)))

    events = gateway.get("/actors/audit", params={"entity_id": org["id"]}, headers=admin_key).json()["items"]
    assert [e["action"] for e in events] == ["create", "update"]
    assert {e["actor"] for e in events} == {"county-20-dalarna"}
    assert events[1]["before"]["note"] is None and events[1]["after"]["note"] == "changed"
    assert all(e["request_id"] for e in events)
    assert_problem(gateway.get("/actors/audit"), 401)


def test_filters_by_kind_and_county_and_folded_name(gateway):
    municipalities = gateway.get("/actors/organisations", params={"kind": "municipality", "county": "20",
                                                                  "limit": 100}).json()
    malung = gateway.get("/actors/organisations", params={"name": "malung"}).json()

    assert municipalities["count"] == 15
    assert "municipality-2023" in [o["id"] for o in malung["items"]]
    assert gateway.get("/actors/organisations/county-05").json()["name"] == "Östergötlands län"


def test_the_location_of_a_new_record_works_through_the_gateway(gateway, admin_key):
    response = gateway.post("/actors/organisations", headers=admin_key, json={"kind": "other", "name": "Located"})
    assert response.headers["location"] == f"/actors/organisations/{response.json()['id']}"
    assert gateway.get(response.headers["location"]).json()["name"] == "Located"


def test_many_organisations_are_read_in_one_call_by_id(gateway, admin_key):
    closed = create_organisation(gateway, admin_key, name="Closed FoU", valid_from="2001-01-01",
                                 valid_to="2002-01-01")
    ids = ["skr", "rss-20", closed["id"], "no-such-organisation"]
    listed = gateway.get("/actors/organisations", params={"id": ",".join(ids + ["skr"])}, headers=admin_key)
    assert listed.status_code == 200, listed.text
    assert [o["id"] for o in listed.json()["items"]] == sorted(["skr", "rss-20"])
    with_closed = gateway.get("/actors/organisations", params={"id": ",".join(ids), "include_inactive": "true"},
                              headers=admin_key).json()
    assert {o["id"]: o["active"] for o in with_closed["items"]} == {"skr": True, "rss-20": True,
                                                                    closed["id"]: False}
    in_county = gateway.get("/actors/organisations", params={"id": ",".join(ids), "county": "20"}).json()
    assert [o["id"] for o in in_county["items"]] == ["rss-20"]

    too_many = gateway.get("/actors/organisations", params={"id": ",".join(f"org-{i:03d}" for i in range(101))})
    assert assert_problem(too_many, 422, field="query.id", rule="at_most")["limit"] == 100
    assert_problem(gateway.get("/actors/organisations", params={"id": "skr,Not_An_Id"}), 422, field="query.id",
                   rule="record_id")
