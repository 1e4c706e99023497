"""Bulk exchange as a county's integrator meets it: CSV imports that store every row or none, with a report
naming each broken row and column, and exports of the whole register as of a date, in JSON and in CSV."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

from stdnum import luhn

from tests.registry_helpers import unique
from tests.support import assert_problem

ORG_HEADER = ["id", "kind", "name", "short_name", "county_code", "org_number", "valid_from", "valid_to", "note",
              "source"]


def csv_file(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def org_row(id: str, name: str, *, kind: str = "rd_unit", county: str = "20", org_number: str = "",
            valid_from: str = "", valid_to: str = "", short_name: str = "", note: str = "") -> list[str]:
    return [id, kind, name, short_name, county, org_number, valid_from, valid_to, note, "bulk test"]


def new_org_number() -> str:
    """A valid Swedish organisation number nobody else in the shared test database has."""
    body = "55" + "".join(random.choice("0123456789") for _ in range(7))
    number = body + luhn.calc_check_digit(body)
    return f"{number[:6]}-{number[6:]}"


def excel_file(rows: list[dict[str, str]]) -> bytes:
    """Rows as Swedish Excel saves them: UTF-8 with BOM, `;` between cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def post_csv(gateway, table: str, body: bytes, headers: dict[str, str]):
    return gateway.post(f"/actors/imports/{table}", content=body,
                        headers={**headers, "Content-Type": "text/csv; charset=utf-8"})


def errors_by_field(problem: dict) -> dict[str, str]:
    return {e["field"]: e["rule"] for e in problem["errors"]}


def test_a_valid_organisations_import_creates_them_with_swedish_names_intact(gateway, county_key):
    ids = [unique("bulk-fou"), unique("bulk-fou"), unique("bulk-fou")]
    number = new_org_number()
    body = csv_file([ORG_HEADER,
                     org_row(ids[0], "FoU Västerdal Älvdalen", short_name="FoU Västerdal", org_number=number,
                             valid_from="2015-01-01"),
                     org_row(ids[1], "Kunskapscentrum Mora–Orsa", kind="municipal_association"),
                     org_row(ids[2], "Brukarråd Särna", kind="user_organisation", note="Möts två gånger per år")])

    response = post_csv(gateway, "organisations", body, county_key)

    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 3, "created": 3, "unchanged": 0, "ids": ids}
    read = gateway.get(f"/actors/organisations/{ids[0]}").json()
    assert (read["name"], read["short_name"], read["county_code"]) == ("FoU Västerdal Älvdalen", "FoU Västerdal", "20")
    assert read["identifiers"] == [{"scheme": "org_number", "value": number}]
    assert read["valid_from"] == "2015-01-01" and read["source"] == "bulk test"
    assert gateway.get(f"/actors/organisations/{ids[2]}").json()["note"] == "Möts två gånger per år"


def test_a_semicolon_file_from_swedish_excel_with_a_bom_imports(gateway, county_key):
    ids = [unique("bulk-excel"), unique("bulk-excel")]
    # Excel quotes a cell that holds the delimiter, leaves optional columns out, and may drop a leading zero.
    body = csv_file([["id", "kind", "name", "county_code", "note"],
                     [ids[0], "rd_unit", "Utvecklingsenheten Ludvika–Smedjebacken", "20", "Beslut; styrgrupp 2021"],
                     [ids[1], "reference_group", "Referensgrupp Äldre Dalarna", "20", ""],
                     ["", "", "", "", ""]], delimiter=";", bom=True)

    response = post_csv(gateway, "organisations", body, county_key)

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 2
    read = gateway.get(f"/actors/organisations/{ids[0]}").json()
    assert read["name"] == "Utvecklingsenheten Ludvika–Smedjebacken"
    assert read["note"] == "Beslut; styrgrupp 2021"


def test_a_file_with_bad_rows_is_refused_whole_with_every_bad_row_named(gateway, county_key):
    ids = [unique("bulk-bad") for _ in range(5)]
    body = csv_file([ORG_HEADER,
                     org_row(ids[0], "FoU Falun Bra"),
                     org_row(ids[1], "FoU Fel Orgnummer", org_number="212000-0143"),
                     org_row(ids[2], "FoU Borlänge Bra", org_number=new_org_number()),
                     org_row(ids[3], "FoU Baklänges", valid_from="2021-01-01", valid_to="2020-01-01"),
                     org_row(ids[4], "FoU Avesta Bra")])

    problem = assert_problem(post_csv(gateway, "organisations", body, county_key), 422,
                             field="row 3.org_number", rule="org_number")

    assert errors_by_field(problem) == {"row 3.org_number": "org_number", "row 5.valid_to": "period_order"}
    assert problem["detail"] == "2 of 5 rows have errors; nothing was imported."
    assert problem["rows_with_errors"] == [3, 5]
    assert "212000-0143" in next(e["message"] for e in problem["errors"] if e["field"] == "row 3.org_number")
    for good in (ids[0], ids[2], ids[4]):
        assert gateway.get(f"/actors/organisations/{good}").status_code == 404


def test_people_posts_and_memberships_import_and_an_overlap_in_the_file_is_a_row_error(gateway, county_key):
    group, chair, member = unique("bulk-styrgrupp"), unique("bulk-chair"), unique("bulk-member")
    anna, bo = unique("bulk-person"), unique("bulk-person")
    assert post_csv(gateway, "organisations", csv_file([
        ["id", "kind", "name", "county_code"], [group, "steering_group", "Styrgrupp Välfärd Dalarna", "20"]]),
        county_key).status_code == 200
    people = post_csv(gateway, "people", csv_file([
        ["id", "given_name", "family_name", "email", "phone"],
        [anna, "Åsa", "Exempelsdotter", "asa.exempel@example.org", "+46 10 000 00 01"],
        [bo, "Bo", "Ängström", "", ""]]), county_key)
    assert people.status_code == 200, people.text
    posts = post_csv(gateway, "posts", csv_file([
        ["id", "organisation_id", "role", "label", "on_behalf_of_id", "valid_from", "valid_to"],
        [chair, group, "chair", "Ordförande", "", "2020-01-01", ""],
        [member, group, "ordinary_member", "Ledamot för Falun", "municipality-2080", "2020-01-01", ""]]), county_key)
    assert posts.status_code == 200, posts.text
    header = ["id", "post_id", "person_id", "valid_from", "valid_to", "note"]
    m1, m2, m3 = unique("bulk-mship"), unique("bulk-mship"), unique("bulk-mship")
    rows = [[m1, chair, anna, "2020-01-01", "", "Vald på årsmötet"], [m2, member, bo, "2020-01-01", "", ""]]

    overlapping = post_csv(gateway, "memberships", csv_file([header, *rows, [m3, chair, bo, "2021-01-01", "", ""]]),
                           county_key)

    assert_problem(overlapping, 422, field="row 4.valid_from", rule="overlapping_membership")
    assert gateway.get("/actors/memberships", params={"post": chair}).json()["count"] == 0
    imported = post_csv(gateway, "memberships", csv_file([header, *rows]), county_key)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 2, "created": 2, "unchanged": 0, "ids": [m1, m2]}
    holder = gateway.get(f"/actors/posts/{chair}", headers=county_key).json()["holder"]
    assert (holder["name"], holder["email"]) == ("Åsa Exempelsdotter", "asa.exempel@example.org")

    export = gateway.get("/actors/exports/register", params={"as_of": "2022-06-01"}, headers=county_key).json()
    exported_post = next(p for p in export["posts"] if p["id"] == chair)
    assert exported_post["holder"]["email"] == "asa.exempel@example.org"
    # The export says exactly what the single-record API says about the same date.
    assert exported_post == gateway.get(f"/actors/posts/{chair}", params={"as_of": "2022-06-01"},
                                        headers=county_key).json()
    exported_membership = next(m for m in export["memberships"] if m["id"] == m2)
    assert exported_membership == gateway.get("/actors/memberships", params={"post": member, "as_of": "2022-06-01"},
                                              headers=county_key).json()["items"][0]
    anonymous = gateway.get("/actors/exports/register", params={"as_of": "2022-06-01"}).json()
    assert next(p for p in anonymous["posts"] if p["id"] == chair)["holder"] == \
        {"id": anna, "name": "Åsa Exempelsdotter", "email": None, "phone": None}


def test_a_county_system_importing_another_countys_record_gets_a_forbidden_row(gateway, county_key):
    own, stockholm = unique("bulk-own"), unique("bulk-sthlm")
    body = csv_file([ORG_HEADER, org_row(own, "FoU Dalarna Egen"), org_row(stockholm, "FoU Södertörn Kopia",
                                                                            county="01")])

    problem = assert_problem(post_csv(gateway, "organisations", body, county_key), 422,
                             field="row 3.county_code", rule="forbidden")

    assert len(problem["errors"]) == 1
    assert gateway.get(f"/actors/organisations/{own}").status_code == 404


def test_a_retried_import_changes_nothing_and_a_reused_id_with_other_content_is_a_conflict(gateway, county_key):
    ids = [unique("bulk-retry") for _ in range(3)]
    body = csv_file([ORG_HEADER, *(org_row(i, f"Nätverk Dalarna {n}", kind="national_network")
                                   for n, i in enumerate(ids))])
    assert post_csv(gateway, "organisations", body, county_key).json()["created"] == 3

    retried = post_csv(gateway, "organisations", body, county_key)

    assert retried.status_code == 200, retried.text
    assert retried.json() == {"imported": 3, "created": 0, "unchanged": 3, "ids": ids}
    changed = csv_file([ORG_HEADER, org_row(ids[0], "Ett helt annat namn", kind="national_network")])
    assert_problem(post_csv(gateway, "organisations", changed, county_key), 422, field="row 2.id", rule="conflict")


def test_the_export_answers_the_register_as_it_stood_on_the_date(gateway, county_key):
    founded, wound_up = unique("bulk-founded"), unique("bulk-closed")
    body = csv_file([ORG_HEADER, org_row(founded, "FoU Nystartad Mora", valid_from="2020-01-01"),
                     org_row(wound_up, "FoU Nedlagd Rättvik", valid_from="2010-01-01", valid_to="2020-01-01")])
    assert post_csv(gateway, "organisations", body, county_key).status_code == 200

    then = gateway.get("/actors/exports/register", params={"as_of": "2019-11-01"})
    now = gateway.get("/actors/exports/register")

    assert then.status_code == 200 and now.status_code == 200, then.text
    then_ids = {o["id"] for o in then.json()["organisations"]}
    now_ids = {o["id"] for o in now.json()["organisations"]}
    assert wound_up in then_ids and founded not in then_ids
    exported = next(o for o in then.json()["organisations"] if o["id"] == wound_up)
    assert exported == gateway.get(f"/actors/organisations/{wound_up}", params={"as_of": "2019-11-01"}).json()
    assert founded in now_ids and wound_up not in now_ids
    assert then.json()["as_of"] == "2019-11-01" and now.json()["as_of"] == date.today().isoformat()
    assert {"municipality-2080", "county-20"} <= now_ids
    assert then.json()["relations"] and all(r["active"] for r in then.json()["relations"])
    refused = gateway.get("/actors/exports/register", params={"format": "csv"})
    assert_problem(refused, 422, field="query.format", rule="one_table_per_csv")
    assert refused.json()["csv"]["organisations"].startswith("/actors/exports/organisations.csv")


def test_the_organisations_csv_export_opens_in_excel_and_re_imports_unchanged(gateway, county_key):
    org_id = unique("bulk-export")
    number = new_org_number()
    imported = post_csv(gateway, "organisations", csv_file([ORG_HEADER, org_row(
        org_id, "FoU Västerdal Älvdalen", org_number=number, valid_from="2016-01-01")]), county_key)
    assert imported.status_code == 200, imported.text

    response = gateway.get("/actors/exports/organisations.csv", headers=county_key)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == \
        f'attachment; filename="organisations-{date.today().isoformat()}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == [*ORG_HEADER, "name_on_date", "short_name_on_date"]
    ours = next(r for r in rows if r["id"] == org_id)
    assert (ours["name"], ours["name_on_date"], ours["org_number"]) == ("FoU Västerdal Älvdalen",) * 2 + (number,)

    dalarna = [r for r in rows if r["county_code"] == "20"]
    again = post_csv(gateway, "organisations", excel_file(dalarna), county_key)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == len(dalarna) and again.json()["created"] == 0
    assert "municipality-2080" in again.json()["ids"]


def test_the_other_csv_exports_carry_import_columns_first(gateway, county_key):
    for table, first_columns in (("relations", ["id", "kind", "subject_id", "object_id"]),
                                 ("posts", ["id", "organisation_id", "role", "label", "on_behalf_of_id"]),
                                 ("memberships", ["id", "post_id", "person_id", "valid_from", "valid_to"])):
        response = gateway.get(f"/actors/exports/{table}.csv", params={"as_of": "2021-01-01", "delimiter": "comma"},
                               headers=county_key)
        assert response.status_code == 200, response.text
        header = response.content.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
        assert header[:len(first_columns)] == first_columns, (table, header)


def test_the_people_csv_export_lists_the_holders_on_the_date_and_re_imports_unchanged(gateway, county_key, admin_key,
                                                                                      dashboard_key, stack):
    stockholm_key = {"X-API-Key": stack.keys["county-01"]}
    group, seat, holder, former = (unique("bulk-grupp"), unique("bulk-seat"), unique("bulk-person"),
                                   unique("bulk-person"))
    assert post_csv(gateway, "organisations", csv_file([
        ["id", "kind", "name", "county_code"], [group, "reference_group", "Referensgrupp Äldreomsorg", "20"]]),
        county_key).status_code == 200
    assert post_csv(gateway, "people", csv_file([
        ["id", "given_name", "family_name", "email", "phone"],
        [holder, "Örjan", "Åkesson-Exempel", "orjan.exempel@example.org", "+46 10 000 00 02"],
        [former, "Märta", "Tidigare", "", ""]]), county_key).status_code == 200
    assert post_csv(gateway, "posts", csv_file([
        ["id", "organisation_id", "role", "valid_from"], [seat, group, "ordinary_member", "2020-01-01"]]),
        county_key).status_code == 200
    assert post_csv(gateway, "memberships", csv_file([
        ["id", "post_id", "person_id", "valid_from", "valid_to"],
        [unique("bulk-mship"), seat, former, "2020-01-01", "2022-01-01"],
        [unique("bulk-mship"), seat, holder, "2022-01-01", ""]]), county_key).status_code == 200

    def people_on(day: str, headers: dict[str, str]) -> dict[str, dict[str, str]]:
        response = gateway.get("/actors/exports/people.csv", params={"as_of": day}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-disposition"] == f'attachment; filename="people-{day}.csv"'
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert list(rows[0]) == ["id", "given_name", "family_name", "email", "phone"]
        return {r["id"]: r for r in rows}

    in_2021, in_2023 = people_on("2021-06-01", county_key), people_on("2023-06-01", county_key)
    assert former in in_2021 and holder not in in_2021
    # A cell starting with + would be a formula to Excel: the file guards it with a quote, the import removes it.
    assert in_2023[holder] == {"id": holder, "given_name": "Örjan", "family_name": "Åkesson-Exempel",
                               "email": "orjan.exempel@example.org", "phone": "'+46 10 000 00 02"}
    assert former not in in_2023
    assert people_on("2023-06-01", {})[holder]["email"] == ""  # contacts are for the register's keepers
    # Another county and the dashboard get names, not Dalarna's contacts.
    for other in (stockholm_key, dashboard_key):
        assert people_on("2023-06-01", other)[holder]["email"] == ""
        posts = gateway.get("/actors/exports/posts.csv", params={"as_of": "2023-06-01"}, headers=other)
        assert "orjan.exempel@example.org" not in posts.content.decode("utf-8-sig")
    assert people_on("2023-06-01", admin_key)[holder]["email"] == "orjan.exempel@example.org"

    again = post_csv(gateway, "people", excel_file([in_2023[holder]]), county_key)
    assert again.status_code == 200, again.text
    assert (again.json()["unchanged"], again.json()["created"]) == (1, 0)


def test_relations_import_with_row_errors_then_whole_and_the_export_re_imports_unchanged(gateway, county_key):
    unit, network = unique("bulk-fou"), unique("bulk-natverk")
    assert post_csv(gateway, "organisations", csv_file([
        ["id", "kind", "name", "county_code"], [unit, "rd_unit", "FoU Södra Dalarna", "20"],
        [network, "working_committee", "Länsnätverk Äldre", "20"]]), county_key).status_code == 200
    header = ["id", "kind", "subject_id", "object_id", "valid_from", "valid_to", "reported", "note", "source"]
    member, part, cycle = unique("bulk-rel"), unique("bulk-rel"), unique("bulk-rel")
    good = [[member, "member_of", "municipality-2080", network, "2019-01-01", "", "", "Avtal 2019", "bulk test"],
            [part, "part_of", unit, network, "2018-01-01", "", "2018", "", ""]]

    refused = post_csv(gateway, "relations", csv_file([
        header, *good,
        [unique("bulk-rel"), "member_of", "municipality-2080", network, "2020-01-01", "", "", "", ""],
        [cycle, "part_of", network, unit, "2018-01-01", "", "", "", ""],
        [unique("bulk-rel"), "member_of", "no-such-org", network, "", "", "", "", ""],
        [unique("bulk-rel"), "member_of", "municipality-0180", "municipality-0127", "", "", "", "", ""]]),
        county_key)

    problem = assert_problem(refused, 422)
    assert errors_by_field(problem) == {"row 4.valid_from": "conflict", "row 5.object_id": "part_of_cycle",
                                        "row 6.subject_id": "unknown_reference", "row 7.subject_id": "forbidden"}
    assert gateway.get(f"/actors/relations/{member}").status_code == 404
    imported = post_csv(gateway, "relations", csv_file([header, *good]), county_key)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 2, "created": 2, "unchanged": 0, "ids": [member, part]}
    stored = gateway.get(f"/actors/relations/{part}").json()
    assert (stored["subject"]["name"], stored["object"]["name"], stored["reported"]) == \
        ("FoU Södra Dalarna", "Länsnätverk Äldre", 2018)

    export = gateway.get("/actors/exports/relations.csv", params={"as_of": "2021-01-01"}, headers=county_key)
    ours = [r for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
            if r["id"] in (member, part)]
    again = post_csv(gateway, "relations", excel_file(ours), county_key)
    assert again.status_code == 200, again.text
    assert (again.json()["unchanged"], again.json()["created"]) == (2, 0)


def test_the_relations_export_says_how_each_relation_is_known_and_re_imports_it(gateway, county_key):
    association, unit, group, other_group = (unique("bulk-forbund"), unique("bulk-fou"), unique("bulk-grupp"),
                                             unique("bulk-grupp"))
    assert post_csv(gateway, "organisations", csv_file([
        ["id", "kind", "name", "county_code", "valid_from"],
        [association, "municipal_association", "Kommunalförbundet Exempelbygd", "20", "2010-01-01"],
        [unit, "rd_unit", "FoU-enheten Exempelbygd", "20", "2010-01-01"],
        [group, "working_committee", "Länsgrupp Äldre", "20", "2010-01-01"],
        [other_group, "working_committee", "Länsgrupp Barn", "20", "2010-01-01"]]), county_key).status_code == 200
    relation = unique("bulk-rel")
    header = ["id", "kind", "subject_id", "object_id", "valid_from", "valid_to", "reported", "note", "source",
              "evidence", "attested", "joint", "unit_id"]
    imported = post_csv(gateway, "relations", csv_file([header, [
        relation, "hosts", association, group, "2012-01-01", "2015-01-01", "2013", "Plattformen vid förbundet",
        "seed 004 (2013); seed 002 (2012)", "attested", "2012; 2013", "ja", unit]]), county_key)
    assert imported.status_code == 200, imported.text
    stored = gateway.get(f"/actors/relations/{relation}").json()
    known = {k: stored[k] for k in ("evidence", "attested", "sources", "joint", "reported")}
    assert known == {"evidence": "attested", "attested": ["2012", "2013"], "joint": True, "reported": 2013,
                     "sources": ["seed 004 (2013)", "seed 002 (2012)"]}
    assert stored["unit"]["id"] == unit

    export = gateway.get("/actors/exports/relations.csv", params={"as_of": "2013-06-01"}, headers=county_key)
    assert export.status_code == 200, export.text
    text = export.content.decode("utf-8-sig")
    assert text.split("\r\n", 1)[0].split(";") == header + ["subject_name", "object_name", "unit_name"]
    row = next(r for r in csv.DictReader(io.StringIO(text), delimiter=";") if r["id"] == relation)
    assert {k: row[k] for k in ("evidence", "attested", "joint", "unit_id", "unit_name", "source")} == {
        "evidence": "attested", "attested": "2012; 2013", "joint": "yes", "unit_id": unit,
        "unit_name": "FoU-enheten Exempelbygd", "source": "seed 004 (2013); seed 002 (2012)"}

    again = post_csv(gateway, "relations", excel_file([row]), county_key)
    assert again.status_code == 200, again.text
    assert (again.json()["unchanged"], again.json()["created"]) == (1, 0)
    # The exported row as another relation: every column that says how it is known arrives as it left.
    copy = {**row, "id": unique("bulk-rel"), "object_id": other_group}
    assert post_csv(gateway, "relations", excel_file([copy]), county_key).status_code == 200
    copied = gateway.get(f"/actors/relations/{copy['id']}").json()
    assert {k: copied[k] for k in ("evidence", "attested", "sources", "joint", "reported")} == known
    assert (copied["unit"]["id"], copied["valid_from"], copied["valid_to"]) == (unit, "2012-01-01", "2015-01-01")


def test_an_undated_relation_stays_undated_through_export_and_import(gateway, county_key):
    """Evidence null says no source dates the relation: an export writes it as an empty cell, and the file
    imports it as undated again, while a file without the column (or a POST without the field) means exact."""
    network, member, other = unique("bulk-natverk"), unique("bulk-medlem"), unique("bulk-medlem")
    assert post_csv(gateway, "organisations", csv_file([
        ["id", "kind", "name", "county_code"],
        [network, "other", "Länsnätverk Exempel", "20"], [member, "rd_unit", "FoU Medlem", "20"],
        [other, "rd_unit", "FoU Andra medlemmen", "20"]]), county_key).status_code == 200
    undated, plain = unique("bulk-rel"), unique("bulk-rel")
    header = ["id", "kind", "subject_id", "object_id", "evidence"]
    assert post_csv(gateway, "relations", csv_file([header, [undated, "member_of", member, network, ""]]),
                    county_key).status_code == 200
    assert gateway.get(f"/actors/relations/{undated}").json()["evidence"] is None
    assert post_csv(gateway, "relations", csv_file([header[:4], [plain, "member_of", other, network]]),
                    county_key).status_code == 200
    assert gateway.get(f"/actors/relations/{plain}").json()["evidence"] == "exact"

    export = gateway.get("/actors/exports/relations.csv", headers=county_key)
    row = next(r for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
               if r["id"] == undated)
    assert row["evidence"] == ""
    copy = {**row, "id": unique("bulk-rel"), "subject_id": other, "kind": "part_of"}
    assert post_csv(gateway, "relations", excel_file([copy]), county_key).status_code == 200
    assert gateway.get(f"/actors/relations/{copy['id']}").json()["evidence"] is None

    posted = gateway.post("/actors/relations", headers=county_key, json={
        "kind": "owner_of", "subject_id": member, "object_id": other, "evidence": None})
    assert posted.status_code == 201 and posted.json()["evidence"] is None, posted.text


def test_only_writing_callers_import(gateway, dashboard_key):
    body = csv_file([ORG_HEADER, org_row(unique("bulk-dash"), "FoU Instrumentpanel")])
    assert_problem(post_csv(gateway, "organisations", body, dashboard_key), 403)
    assert_problem(post_csv(gateway, "organisations", body, {}), 401)


def test_a_file_that_is_not_a_fitting_csv_is_refused_before_any_row(gateway, county_key):
    wrong_header = csv_file([["id", "kind", "namn"], [unique("bulk-hdr"), "rd_unit", "FoU"]])
    problem = assert_problem(post_csv(gateway, "organisations", wrong_header, county_key), 422,
                             field="header.namn", rule="unknown_column")
    assert errors_by_field(problem)["header.name"] == "missing_column"
    latin1 = "id,kind,name,county_code\r\nbulk-latin,rd_unit,FoU Gävle,20\r\n".encode("latin-1")
    assert_problem(post_csv(gateway, "organisations", latin1, county_key), 422, field="body", rule="encoding")
    too_big = b"id,kind,name\r\n" + b"x" * (5 * 1024 * 1024)
    assert_problem(post_csv(gateway, "organisations", too_big, county_key), 413)
    as_json = gateway.post("/actors/imports/organisations", json=[{"id": "x"}], headers=county_key)
    assert_problem(as_json, 415)
