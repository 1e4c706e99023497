"""Input is bounded and clean: lists and strings have limits, a service refuses an oversized body itself, control
characters are refused the same way on every backend, cursors cannot smuggle values past a column's range, and
CSV exports cannot carry a spreadsheet formula."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from shared.pagination import encode_cursor
from tests.registry_helpers import create_organisation, unique
from tests.support import assert_problem, identity_header

ORG_HEADER = ["id", "kind", "name", "short_name", "county_code", "org_number", "valid_from", "valid_to", "note",
              "source"]
MIB = 1024 * 1024


def audit_of(gateway: httpx.Client, admin_key: dict[str, str], entity_id: str) -> int:
    response = gateway.get("/actors/audit", params={"entity_id": entity_id}, headers=admin_key)
    assert response.status_code == 200, response.text
    return response.json()["count"]


def import_csv(gateway: httpx.Client, rows: list[list[str]], headers: dict[str, str]) -> httpx.Response:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return gateway.post("/actors/imports/organisations", content=("\ufeff" + out.getvalue()).encode("utf-8"),
                        headers={**headers, "Content-Type": "text/csv; charset=utf-8"})


# --- bounded lists and strings ----------------------------------------------------------------------------------

def test_an_organisation_with_ten_thousand_contacts_is_refused_and_nothing_is_stored(gateway, county_key,
                                                                                     admin_key):
    org_id = unique("bounded-contacts")
    contacts = [{"kind": "email", "value": f"c{n}@example.org"} for n in range(10_000)]
    response = gateway.post("/actors/organisations", headers=county_key, json={
        "id": org_id, "kind": "rd_unit", "name": "FoU Många Kontakter", "county_code": "20", "contacts": contacts})

    problem = assert_problem(response, 422, field="body.contacts", rule="too_long")
    assert "20" in next(e["message"] for e in problem["errors"] if e["field"] == "body.contacts")
    assert_problem(gateway.get(f"/actors/organisations/{org_id}", headers=county_key), 404)
    assert audit_of(gateway, admin_key, org_id) == 0


@pytest.mark.parametrize(("field", "longest"), [("name", 200), ("short_name", 60), ("note", 1000), ("source", 300)])
def test_a_text_is_stored_up_to_its_length_and_refused_past_it(gateway, county_key, field, longest):
    def create(value: str) -> httpx.Response:
        body = {"id": unique("bounded-text"), "kind": "rd_unit", "name": "FoU Lång Text", "county_code": "20",
                field: value}
        return gateway.post("/actors/organisations", headers=county_key, json=body)

    stored = create("å" * longest)
    assert stored.status_code == 201, stored.text
    assert stored.json()[field] == "å" * longest
    assert_problem(create("å" * (longest + 1)), 422, field=f"body.{field}", rule="string_too_long")


def test_eleven_identifiers_are_refused(gateway, county_key):
    identifiers = [{"scheme": "scb_county", "value": "20"}] * 11
    body = {"id": unique("bounded-ids"), "kind": "rd_unit", "name": "FoU Många Nummer", "county_code": "20",
            "identifiers": identifiers}
    assert_problem(gateway.post("/actors/organisations", headers=county_key, json=body), 422,
                   field="body.identifiers", rule="too_long")


# --- a service refuses an oversized body itself -----------------------------------------------------------------

def _assert_body_too_large(response: httpx.Response, limit: int) -> None:
    problem = assert_problem(response, 413)
    assert problem["type"] == "/problems/body-too-large"
    assert problem["max_bytes"] == limit
    assert f"{limit // MIB} MiB" in problem["detail"]


def test_a_5_mb_json_body_sent_straight_to_the_service_is_refused_by_the_service(stack, gateway):
    org_id = unique("bounded-huge")
    body = b'{"id":"' + org_id.encode() + b'","kind":"rd_unit","name":"FoU","note":"' + b"x" * (5 * MIB) + b'"}'
    with httpx.Client(base_url=stack.service_url("actors"), timeout=15) as actors:
        response = actors.post("/organisations", content=body,
                               headers={**identity_header(stack.secret), "Content-Type": "application/json"})
        _assert_body_too_large(response, MIB)
        assert actors.get("/counties/20", headers=identity_header(stack.secret)).status_code == 200
    assert gateway.get("/actors/counties/20").status_code == 200
    assert_problem(gateway.get(f"/actors/organisations/{org_id}"), 404)


def test_a_chunked_body_is_counted_while_it_arrives_and_reads_keep_answering(stack, gateway):
    reads_meanwhile: list[int] = []

    def chunks() -> Iterator[bytes]:
        yield b'{"kind":"rd_unit","name":"FoU","note":"'
        for n in range(40):  # 40 x 64 KiB = 2.5 MiB, no Content-Length
            if n == 4:
                reads_meanwhile.append(gateway.get("/actors/counties/20").status_code)
            yield b"x" * (64 * 1024)
        yield b'"}'

    with httpx.Client(base_url=stack.service_url("actors"), timeout=15) as actors:
        response = actors.post("/organisations", content=chunks(),
                               headers={**identity_header(stack.secret), "Content-Type": "application/json"})
        _assert_body_too_large(response, MIB)
    assert reads_meanwhile == [200]
    assert gateway.get("/actors/counties/20").status_code == 200


def test_the_gateway_refuses_a_body_past_the_routes_limit_before_reading_it(stack, gateway, county_key):
    """The gateway holds each route to what its service takes: a JSON document 1 MiB, a bulk import 5 MiB; a
    declared length past it is 413 at once, without buffering the body."""
    org_id = unique("bounded-gateway")
    body = b'{"id":"' + org_id.encode() + b'","kind":"rd_unit","name":"FoU","note":"' + b"x" * (2 * MIB) + b'"}'
    response = gateway.post("/actors/organisations", content=body,
                            headers={**county_key, "Content-Type": "application/json"})
    _assert_body_too_large(response, MIB)
    assert_problem(gateway.get(f"/actors/organisations/{org_id}", headers=county_key), 404)
    too_big_import = gateway.post("/actors/imports/organisations", content=b"id\n" + b"x" * (6 * MIB),
                                  headers={**county_key, "Content-Type": "text/csv"})
    problem = assert_problem(too_big_import, 413)
    assert problem["max_bytes"] == 5 * MIB and "split the file" in problem["detail"]
    # A 2 MiB import is within its route's limit: it reaches the service, which reads it (and finds no rows).
    within = gateway.post("/actors/imports/organisations", content=b"id\n" + b"\n" * (2 * MIB),
                          headers={**county_key, "Content-Type": "text/csv"})
    assert within.status_code != 413, within.text


# --- control characters -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("name", "FoU\x00Dalarna"), ("name", "FoU\x7fDalarna"), ("name", "FoU\nDalarna"), ("short_name", "F\x00"),
    ("note", "a note\x00"), ("note", "bell\x07"), ("source", "src\x00"), ("id", "fou-\x00-dalarna")])
def test_a_control_character_in_a_text_is_refused_naming_the_field(gateway, county_key, admin_key, field, value):
    org_id = unique("bounded-ctl")
    body = {"id": org_id, "kind": "rd_unit", "name": "FoU Kontrolltecken", "county_code": "20", field: value}
    response = gateway.post("/actors/organisations", headers=county_key, json=body)
    rule = "string_pattern_mismatch" if field == "id" else "control_characters"
    assert_problem(response, 422, field=f"body.{field}", rule=rule)
    assert audit_of(gateway, admin_key, org_id) == 0


def test_a_note_keeps_its_lines_and_tabs(gateway, county_key):
    note = "First line\r\nSecond line\n\tindented"
    created = create_organisation(gateway, county_key, name="FoU Flera Rader", county_code="20", note=note)
    assert created["note"] == note


def test_a_control_character_in_a_contact_or_a_person_is_refused(gateway, county_key):
    body = {"id": unique("bounded-contact"), "kind": "rd_unit", "name": "FoU Kontakt", "county_code": "20",
            "contacts": [{"kind": "phone", "value": "010\x00 000 00 00"}]}
    assert_problem(gateway.post("/actors/organisations", headers=county_key, json=body), 422,
                   field="body.contacts.0.value", rule="control_characters")
    person = {"given_name": "Testa\x00", "family_name": "Testsson"}
    assert_problem(gateway.post("/actors/people", headers=county_key, json=person), 422,
                   field="body.given_name", rule="control_characters")


@pytest.mark.parametrize(("path", "param"), [
    ("/actors/audit", "actor"), ("/actors/audit", "entity_id"), ("/actors/organisations", "name"),
    ("/actors/people", "name"), ("/actors/counties", "name"), ("/actors/municipalities", "name")])
def test_a_control_character_in_a_filter_is_refused_naming_the_parameter(gateway, admin_key, path, param):
    response = gateway.get(path, params={param: "abc\x00def"}, headers=admin_key)
    problem = assert_problem(response, 422, field=f"query.{param}", rule="control_characters")
    assert problem["instance"] == path


@pytest.mark.parametrize("path", ["/actors/organisations/fou%00x", "/actors/people/p%00x",
                                  "/actors/relations/r%00x", "/actors/posts/p%00x", "/actors/rss/rss%0020"])
def test_a_control_character_in_a_path_id_is_not_found_or_refused_never_an_error(gateway, admin_key, path):
    response = gateway.get(path, headers=admin_key)
    assert response.status_code in (404, 422), response.text
    assert_problem(response, response.status_code)


def test_a_control_character_in_an_imported_cell_is_a_row_error(gateway, county_key, admin_key):
    good, bad = unique("bounded-csv"), unique("bounded-csv")
    response = import_csv(gateway, [ORG_HEADER, [good, "rd_unit", "FoU Bra", "", "20", "", "", "", "", ""],
                                    [bad, "rd_unit", "FoU\x01Dålig", "", "20", "", "", "", "", ""]], county_key)
    assert_problem(response, 422, field="row 3.name", rule="control_characters")
    assert audit_of(gateway, admin_key, good) == 0


# --- cursors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [b"[2147483648]", b"[-2147483649]", b"[9223372036854775808]",
                                 b"[1" + b"0" * 30 + b"]", b"[true]", b"[1.5]"])
def test_an_audit_cursor_outside_the_id_range_is_refused(gateway, admin_key, key):
    cursor = base64.urlsafe_b64encode(key).rstrip(b"=").decode()
    assert_problem(gateway.get("/actors/audit", params={"cursor": cursor}, headers=admin_key), 422,
                   field="query.cursor", rule="cursor_format")


def test_an_audit_cursor_handed_out_still_pages(gateway, admin_key):
    first = gateway.get("/actors/audit", params={"limit": 1}, headers=admin_key).json()
    assert first["next_cursor"], first
    second = gateway.get("/actors/audit", params={"limit": 1, "cursor": first["next_cursor"]}, headers=admin_key)
    assert second.status_code == 200, second.text
    assert second.json()["items"][0]["id"] > first["items"][0]["id"]


@pytest.mark.parametrize("path", ["/actors/organisations", "/actors/people", "/actors/counties"])
def test_a_cursor_holding_a_control_character_is_refused(gateway, admin_key, path):
    assert_problem(gateway.get(path, params={"cursor": encode_cursor(["a\x00b"])}, headers=admin_key), 422,
                   field="query.cursor", rule="cursor_format")


# --- CSV exports cannot carry a formula ------------------------------------------------------------------------

def test_a_formula_in_a_name_is_neutralised_in_the_csv_export_and_re_imports_unchanged(gateway, county_key):
    org_id = unique("bounded-formula")
    name, note = '=HYPERLINK("http://x")', "+46 10 000 00 00"
    create_organisation(gateway, county_key, id=org_id, name=name, county_code="20", note=note,
                        source="@SUM(A1)")

    export = gateway.get("/actors/exports/organisations.csv", headers=county_key)
    assert export.status_code == 200, export.text
    text = export.content.decode("utf-8-sig")
    line = next(line for line in text.splitlines() if line.startswith(org_id))
    assert ";'=HYPERLINK" in line.replace('"', "")
    row = next(r for r in csv.DictReader(io.StringIO(text), delimiter=";") if r["id"] == org_id)
    assert (row["name"], row["note"], row["source"]) == ("'" + name, "'" + note, "'@SUM(A1)")

    again = import_csv(gateway, [list(row), list(row.values())], county_key)
    assert again.status_code == 200, again.text
    assert (again.json()["unchanged"], again.json()["created"]) == (1, 0)
    stored = gateway.get(f"/actors/organisations/{org_id}", headers=county_key).json()
    assert (stored["name"], stored["note"], stored["source"]) == (name, note, "@SUM(A1)")


def test_an_imported_cell_keeps_a_leading_quote_that_does_not_guard_a_formula(gateway, county_key):
    org_id = unique("bounded-quote")
    response = import_csv(gateway, [ORG_HEADER, [org_id, "rd_unit", "'Kvarnen' FoU", "", "20", "", "", "",
                                                 "'=1+1", ""]], county_key)
    assert response.status_code == 200, response.text
    stored = gateway.get(f"/actors/organisations/{org_id}", headers=county_key).json()
    assert (stored["name"], stored["note"]) == ("'Kvarnen' FoU", "=1+1")
