"""Imports of organisations and people are checked as sets, by the single-record service's own rule functions:
a row that breaks a rule is reported with the rule and message a POST of the same record gets, at `row N.column`."""

from __future__ import annotations

from tests.registry_helpers import unique
from tests.test_registry_bulk import ORG_HEADER, csv_file, new_org_number, org_row, post_csv


def _only_error(response) -> dict:
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    return errors[0]


def test_a_reversed_period_is_reported_alike_by_a_post_and_by_an_import(gateway, county_key):
    org_id = unique("sets-period")
    single = gateway.post("/actors/organisations", headers=county_key, json={
        "id": org_id, "kind": "rd_unit", "name": "FoU Exempelby", "county_code": "20",
        "valid_from": "2020-01-01", "valid_to": "2019-01-01"})
    imported = post_csv(gateway, "organisations", csv_file([ORG_HEADER, org_row(
        org_id, "FoU Exempelby", valid_from="2020-01-01", valid_to="2019-01-01")]), county_key)

    assert single.status_code == imported.status_code == 422, (single.text, imported.text)
    one, row = _only_error(single), _only_error(imported)
    assert (row["field"], row["rule"], row["message"]) == ("row 2.valid_to", one["rule"], one["message"])


def test_a_taken_org_number_is_reported_alike_and_a_number_twice_in_a_file_names_the_first_row(gateway,
                                                                                              county_key):
    number = new_org_number()
    holder = unique("sets-holder")
    assert gateway.post("/actors/organisations", headers=county_key, json={
        "id": holder, "kind": "rd_unit", "name": "FoU Innehavare", "county_code": "20",
        "identifiers": [{"scheme": "org_number", "value": number}]}).status_code == 201
    single = gateway.post("/actors/organisations", headers=county_key, json={
        "id": unique("sets-taken"), "kind": "rd_unit", "name": "FoU Annan", "county_code": "20",
        "identifiers": [{"scheme": "org_number", "value": number}]})
    imported = post_csv(gateway, "organisations", csv_file([ORG_HEADER, org_row(
        unique("sets-taken"), "FoU Annan", org_number=number)]), county_key)

    assert single.status_code == 409 and imported.status_code == 422, (single.text, imported.text)
    one, row = _only_error(single), _only_error(imported)
    assert (row["field"], row["rule"], row["message"]) == ("row 2.org_number", one["rule"], one["message"])

    fresh, first, second = new_org_number(), unique("sets-first"), unique("sets-second")
    twice = post_csv(gateway, "organisations", csv_file([ORG_HEADER, org_row(first, "FoU Ett", org_number=fresh),
                                                         org_row(second, "FoU Två", org_number=fresh)]), county_key)
    assert twice.status_code == 422
    error = _only_error(twice)
    assert (error["field"], error["rule"]) == ("row 3.org_number", "conflict") and first in error["message"]
    assert gateway.get(f"/actors/organisations/{first}").status_code == 404


def test_a_reused_person_id_is_reported_alike_and_a_retried_file_changes_nothing(gateway, county_key):
    person_id = unique("sets-person")
    header = ["id", "given_name", "family_name", "email"]
    body = csv_file([header, [person_id, "Exempel", "Personsson", "exempel@example.org"],
                     [unique("sets-person"), "Prov", "Provsson", ""]])
    first = post_csv(gateway, "people", body, county_key)
    assert first.status_code == 200 and first.json()["created"] == 2, first.text
    again = post_csv(gateway, "people", body, county_key)
    assert again.status_code == 200 and again.json()["unchanged"] == 2, again.text

    single = gateway.post("/actors/people", headers=county_key, json={
        "id": person_id, "given_name": "Annan", "family_name": "Personsson"})
    imported = post_csv(gateway, "people", csv_file([header, [person_id, "Annan", "Personsson", ""]]), county_key)
    assert single.status_code == 409 and imported.status_code == 422, (single.text, imported.text)
    one, row = _only_error(single), _only_error(imported)
    assert (row["field"], row["rule"], row["message"]) == ("row 2.id", one["rule"], one["message"])
    audit = gateway.get(f"/actors/audit?entity_type=person&entity_id={person_id}", headers=county_key)
    assert audit.status_code == 200, audit.text
    assert [e["action"] for e in audit.json()["items"]] == ["create"]  # written in the import's one batch
