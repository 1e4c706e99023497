"""Imports of organisations and people are checked as sets, by the single-record service's own rule functions:
a row that breaks a rule is reported with the rule and message a POST of the same record gets, at `row N.column`."""

from __future__ import annotations

import random

from stdnum import luhn

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


# A file is checked and written in batches (services/actors/bulk/service.py: WRITE_BATCH rows), the first ones
# stored while the later ones are checked; 700 rows span three batches.
BATCHED_ROWS = 700


def _org_numbers(count: int) -> list[str]:
    """Valid organisation numbers, distinct from each other: consecutive from a random start, in the 56 series
    (the other tests draw theirs one by one from the 55 series)."""
    start = random.randrange(10**7 - count)
    bodies = [f"56{start + i:07d}" for i in range(count)]
    return [f"{b[:6]}-{b[6:]}{luhn.calc_check_digit(b)}" for b in bodies]


def _batched_file(prefix: str, *, broken: dict[int, list[str]] | None = None) -> tuple[list[str], bytes]:
    ids = [f"{prefix}-{i:03d}" for i in range(BATCHED_ROWS)]
    rows = [org_row(org_id, f"FoU Exempelby {i} åäö", org_number=number)
            for i, (org_id, number) in enumerate(zip(ids, _org_numbers(BATCHED_ROWS), strict=True))]
    for index, row in (broken or {}).items():
        rows[index] = row
    return ids, csv_file([ORG_HEADER, *rows])


def test_a_file_of_several_batches_with_errors_late_in_it_stores_nothing_and_reports_every_row(gateway,
                                                                                               county_key):
    prefix = unique("sets-batches")
    taken = new_org_number()
    ids, body = _batched_file(prefix, broken={
        10: org_row(f"{prefix}-010", "FoU Tio", org_number=taken),
        650: org_row(f"{prefix}-650", "FoU Sexhundrafemtio", org_number=taken),  # row 10's number: a conflict
        690: org_row(f"{prefix}-690", "FoU Baklänges", valid_from="2020-01-01", valid_to="2019-01-01"),
        695: org_row(f"{prefix}-695", "", org_number=new_org_number())})  # no name: invalid
    response = post_csv(gateway, "organisations", body, county_key)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["rows_with_errors"] == [652, 692, 697]  # the file's line numbers: the header is line 1
    fields = {e["field"]: e for e in problem["errors"]}
    assert fields["row 652.org_number"]["rule"] == "conflict" and f"{prefix}-010" in fields[
        "row 652.org_number"]["message"]
    assert fields["row 692.valid_to"]["rule"] == "period_order" and "row 697.name" in fields
    # The batches stored before the late errors were found are rolled back with the rest.
    for org_id in (ids[0], ids[10], ids[300], ids[600]):
        assert gateway.get(f"/actors/organisations/{org_id}").status_code == 404


def test_a_file_of_several_batches_is_stored_whole_each_record_with_its_own_audit_event(gateway, county_key):
    prefix = unique("sets-whole")
    ids, body = _batched_file(prefix)
    response = post_csv(gateway, "organisations", body, county_key)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == BATCHED_ROWS and response.json()["ids"] == ids

    for index in (0, 249, 250, 499, 500, BATCHED_ROWS - 1):
        stored = gateway.get(f"/actors/organisations/{ids[index]}")
        assert stored.status_code == 200 and stored.json()["name"] == f"FoU Exempelby {index} åäö", stored.text
    listed = gateway.get(f"/actors/organisations?name=exempelby {BATCHED_ROWS - 1} aao&limit=5")
    assert [o["id"] for o in listed.json()["items"]] == [ids[-1]], listed.text
    times = set()
    for org_id in (ids[0], ids[-1]):
        audit = gateway.get(f"/actors/audit?entity_type=organisation&entity_id={org_id}", headers=county_key)
        events = audit.json()["items"]
        assert [e["action"] for e in events] == ["create"], audit.text
        assert events[0]["after"]["id"] == org_id and events[0]["after"]["version"] == 1
        times.add(events[0]["at"])
    assert len(times) == 1  # one import, one time, whichever batch wrote the event
