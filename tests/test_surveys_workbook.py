"""Authoring in Excel through the gateway: a questionnaire goes out as an XLSForm-style workbook and comes back as
a new draft unchanged, a coordinator drafts one in Excel, corrects it and publishes it, a bad sheet is refused
naming its row, and any version reads as a FHIR Questionnaire resource."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from tests.support import assert_problem
from tests.surveys_requests import answer, open_round, unique

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(body: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def drafted(survey: list[list], choices: list[list], title: str = "Uppföljning av kompetensutveckling") -> bytes:
    """A workbook as a coordinator would fill it in, in Excel."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [["type", "name", "label", "required", "relevant", "constraint"], *survey]:
        sheet.append(row)
    listing = book.create_sheet("choices")
    for row in [["list_name", "name", "label"], *choices]:
        listing.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "description"])
    settings.append([title, "Kort uppföljning till länets kommuner."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURVEY = [
    ["select_one janej", "utbildning", "Har ni genomfört utbildningsinsatser under året?", "yes", "", ""],
    ["integer", "utbildning.antal", "Hur många medarbetare deltog?", "yes", "${utbildning} = 'ja'", ". >= 1"],
    ["select_multiple fokusomraden", "utbildning.omraden", "Inom vilka fokusområden?", "no",
     "${utbildning} = 'ja'", "count-selected(.) <= 3"],
    ["select_one nivaer", "niva", "Vilken nivå bör anordna nästa insats?", "yes", "", ""],
    ["text", "ovrigt", "Övrigt", "no", "", "string-length(.) <= 2000"],
]
CHOICES = [["janej", "ja", "Ja"], ["janej", "nej", "Nej"]]


def test_a_questionnaire_goes_through_the_workbook_and_back_unchanged(gateway, admin_key, county_key):
    exported = gateway.get("/surveys/questionnaires/behovsinventering/versions/1/workbook.xlsx", headers=county_key)
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    copy = unique("behov-kopia")
    imported = gateway.post(f"/surveys/questionnaires/{copy}/workbook", content=exported.content,
                            headers={**admin_key, "Content-Type": XLSX})
    assert imported.status_code == 201, imported.text
    assert (imported.json()["version"], imported.json()["status"]) == (1, "draft")
    original = gateway.get("/surveys/questionnaires/behovsinventering/versions/1", headers=admin_key).json()
    assert (imported.json()["title"], imported.json()["items"]) == (original["title"], original["items"])
    again = gateway.get(f"/surveys/questionnaires/{copy}/versions/1/workbook.xlsx", headers=admin_key)
    before, after = sheets(exported.content), sheets(again.content)
    assert (after["survey"], after["choices"]) == (before["survey"], before["choices"])
    assert [row[0] for row in after["settings"]] == [row[0] for row in before["settings"]]  # title


def test_a_coordinator_drafts_in_excel_corrects_and_publishes(gateway, admin_key, county_key):
    qid = unique("kompetens")
    created = gateway.post(f"/surveys/questionnaires/{qid}/workbook", headers=admin_key,
                           files={"file": ("enkat.xlsx", drafted(SURVEY, CHOICES), XLSX)})
    assert created.status_code == 201, created.text
    items = {i["link_id"]: i for i in created.json()["items"]}
    assert items["utbildning.antal"]["enable_when"] == [{"question": "utbildning", "operator": "=", "answer": "ja"}]
    areas = items["utbildning.omraden"]
    assert areas["code_list"] == "fokusomraden" and len(areas["options"]) == 7
    assert items["utbildning.omraden"]["max_length"] == 3 and items["utbildning.antal"]["min_value"] == "1"

    corrected = SURVEY[:4] + [["text", "ovrigt", "Övriga synpunkter på stödet", "no", "", "string-length(.) <= 2000"]]
    url = f"/surveys/questionnaires/{qid}/versions/1"
    replaced = gateway.put(url + "/workbook", content=drafted(corrected, CHOICES),
                           headers={**admin_key, "Content-Type": XLSX})
    assert replaced.status_code == 200 and replaced.json()["items"][-1]["text"] == "Övriga synpunkter på stödet"
    assert gateway.post(url + "/publish", headers=admin_key).json()["status"] == "published"

    fhir = gateway.get(url + "/fhir", headers=county_key)
    assert fhir.status_code == 200 and fhir.headers["content-type"].startswith("application/fhir+json")
    resource = fhir.json()
    assert (resource["resourceType"], resource["status"], resource["item"][1]["linkId"]) == (
        "Questionnaire", "active", "utbildning.antal")
    assert resource["item"][1]["enableWhen"] == [{"question": "utbildning", "operator": "=",
                                                  "answerCoding": {"system": "urn:rss:surveys:options:utbildning",
                                                                   "code": "ja"}}]

    round_ = open_round(gateway, admin_key, questionnaire=qid, organisation_ids=["2080", "2081"])
    answered = answer(gateway, county_key, round_["id"], "2080", {"utbildning": "ja", "utbildning.antal": 12,
                                                                  "utbildning.omraden": ["aldre"], "niva": "regional"})
    assert answered.status_code == 201, answered.text
    refused = answer(gateway, county_key, round_["id"], "2081", {"utbildning": "nej", "utbildning.antal": 3,
                                                                 "niva": "lokal"})
    assert_problem(refused, 422, field="answers.utbildning.antal", rule="disabled_item")


def test_a_bad_sheet_is_refused_naming_sheet_and_row_and_nothing_is_stored(gateway, admin_key, county_key):
    qid = unique("trasig")
    bad = SURVEY[:4] + [["kryssruta", "x", "Okänd typ", "no", "", ""],
                        ["integer", "y", "Antal", "no", "${niva} = 'kommunal'", ". >= 5 and . <= 1"]]
    refused = gateway.post(f"/surveys/questionnaires/{qid}/workbook", content=drafted(bad, CHOICES),
                           headers={**admin_key, "Content-Type": XLSX})
    assert_problem(refused, 422, field="survey row 6.type", rule="known_type")
    bounds = drafted(SURVEY[:4] + [bad[5]], CHOICES)
    refused = gateway.post(f"/surveys/questionnaires/{qid}/workbook", content=bounds,
                           headers={**admin_key, "Content-Type": XLSX})
    body = assert_problem(refused, 422, field="survey row 6.constraint", rule="bounds_order")
    assert ("survey row 6.relevant", "condition_answer_is_option") in {(e["field"], e["rule"]) for e in body["errors"]}
    assert_problem(gateway.get(f"/surveys/questionnaires/{qid}", headers=admin_key), 404)
    assert_problem(gateway.post(f"/surveys/questionnaires/{qid}/workbook", content=b"type;name\n",
                                headers={**admin_key, "Content-Type": "text/csv"}), 415)
    assert_problem(gateway.post(f"/surveys/questionnaires/{qid}/workbook", content=drafted(SURVEY, CHOICES),
                                headers={**county_key, "Content-Type": XLSX}), 403)


# --- files built to exhaust the service ------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"  # the survey sheet of `drafted`
MIB = 1024 * 1024
SPACES = b" " * (60 * MIB)  # past the service's bound on an unpacked part; deflates to ~60 KB


def repacked(body: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced or added, every part deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in parts:
                target.writestr(name, source.read(name))
        for name, content in parts.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def with_survey_rows(rows: bytes, dimension: bytes = b"A1:F3") -> bytes:
    """The drafted workbook whose survey sheet holds the header and then `rows` (<row> elements) as written."""
    body = drafted(SURVEY[:1], CHOICES)
    sheet = zipfile.ZipFile(io.BytesIO(body)).read(SHEET).decode()
    header = re.search(r'<row r="1">.*?</row>', sheet)
    assert header is not None
    xml = (sheet[:sheet.index("<sheetData>")] + "<sheetData>" + header[0]).encode() + rows + \
        sheet[sheet.index("</sheetData>"):].encode()
    return repacked(body, {SHEET: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + dimension + b'"', xml)})


def question_row(number: int, required: bytes = b'<c r="D{n}" t="inlineStr"><is><t>yes</t></is></c>') -> bytes:
    cells = [b'<c r="A{n}" t="inlineStr"><is><t>integer</t></is></c>', b'<c r="B{n}" t="inlineStr"><is><t>antal</t>'
             b'</is></c>', b'<c r="C{n}" t="inlineStr"><is><t>Antal</t></is></c>', required]
    return f'<row r="{number}">'.encode() + b"".join(cells).replace(b"{n}", str(number).encode()) + b"</row>"


def import_workbook(gateway, admin_key, qid: str, body: bytes):  # type: ignore[no-untyped-def]
    return gateway.post(f"/surveys/questionnaires/{qid}/workbook", content=body,
                        headers={**admin_key, "Content-Type": XLSX})


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                     for n in range(1, 10))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')


@pytest.mark.parametrize(("case", "status", "field", "rule"), [
    ("shared strings that unpack to 60 MiB", 413, "body.xl/sharedStrings.xml", "unpacked_size"),
    ("a cell of 60 MiB", 413, f"body.{SHEET}", "unpacked_size"),
    ("a billion laughs", 422, "body.xl/sharedStrings.xml", "xml_declarations"),
    ("malformed XML", 422, "survey row 3", "xml_wellformed"),
    ("an undefined entity", 422, "survey row 2", "xml_wellformed"),
    ("TRUE in a boolean cell", 422, "survey row 2", "cell_value"),
    ("a row numbered past the sheet's bound", 422, "survey row 2002", "rows_limit"),
])
def test_a_file_built_to_exhaust_the_service_is_refused_naming_why(gateway, admin_key, case, status, field, rule):
    body = {
        "shared strings that unpack to 60 MiB": lambda: repacked(drafted(SURVEY, CHOICES), {
            "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                    b"<si><t>" + SPACES + b"</t></si></sst>"}),
        "a cell of 60 MiB": lambda: with_survey_rows(
            question_row(2, b'<c r="D2" t="inlineStr"><is><t>' + SPACES + b"</t></is></c>")),
        "a billion laughs": lambda: repacked(drafted(SURVEY, CHOICES), {"xl/sharedStrings.xml": LAUGHS}),
        "malformed XML": lambda: with_survey_rows(question_row(2) + b'<row r="3"><c r="A3"><is><t>x</c></row>'),
        "an undefined entity": lambda: with_survey_rows(
            question_row(2, b'<c r="D2" t="inlineStr"><is><t>&nope;</t></is></c>')),
        "TRUE in a boolean cell": lambda: with_survey_rows(question_row(2, b'<c r="D2" t="b"><v>TRUE</v></c>')),
        "a row numbered past the sheet's bound": lambda: with_survey_rows(question_row(1048576),
                                                                         dimension=b"A1:XFD1048576"),
    }[case]()
    assert len(body) < MIB, case
    qid = unique("bomb")
    started = time.monotonic()
    body = assert_problem(import_workbook(gateway, admin_key, qid, body), status, field=field, rule=rule)
    assert time.monotonic() - started < 5, case
    assert body["type"] == ("/problems/body-too-large" if status == 413 else "/problems/validation-error")
    assert_problem(gateway.get(f"/surveys/questionnaires/{qid}", headers=admin_key), 404)


def test_a_declared_dimension_is_not_read_and_a_boolean_cell_reads_as_itself(gateway, admin_key):
    body = with_survey_rows(question_row(2, b'<c r="D2" t="b"><v>1</v></c>'), dimension=b"A1:XFD1048576")
    started = time.monotonic()
    created = import_workbook(gateway, admin_key, unique("dimension"), body)
    assert created.status_code == 201, created.text
    assert time.monotonic() - started < 5
    assert [(i["link_id"], i["type"], i["required"]) for i in created.json()["items"]] == [("antal", "integer", True)]


def test_surveys_answers_others_while_a_bomb_is_read(gateway, admin_key, county_key):
    # One row of cells, each a parsed object: within the bounds on the file, past what the reading process may use.
    cells = b"<c/>" * 3_500_000
    assert len(cells) < 16 * MIB
    bomb = with_survey_rows(b'<row r="2">' + cells + b"</row>")
    qid = unique("tung")
    outcome: dict[str, httpx.Response] = {}
    importing = threading.Thread(target=lambda: outcome.update(
        answer=import_workbook(gateway, admin_key, qid, bomb)))
    importing.start()
    try:
        waits = []
        while importing.is_alive() and len(waits) < 20:
            started = time.monotonic()
            listed = gateway.get("/surveys/questionnaires", headers=county_key)
            waits.append(time.monotonic() - started)
            assert listed.status_code == 200, listed.text
            time.sleep(0.1)
    finally:
        importing.join(30)
    assert len(waits) >= 3, waits  # the import took a while: the reads ran while it did
    assert max(waits) < 1, waits
    assert_problem(outcome["answer"], 413, field="body")
    assert_problem(gateway.get(f"/surveys/questionnaires/{qid}", headers=admin_key), 404)
