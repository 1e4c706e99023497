"""The annual report's formats: one document, the same numbers in CSV, XLSX, the printable page and its PDF.

Each file is read back the way its reader would (the csv module, openpyxl, an HTML parser, the PDF's laid-out
pages) and every value is compared with the JSON document: every amount equals the document's öre / 100 exactly.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import socket
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest
from openpyxl import load_workbook

from services.reporting.formats import (
    ANNUAL_REPORT_SCHEMA,
    UnknownTable,
    check_document,
    content_hash,
    csv_table,
    html_page,
    pdf_document,
    sheet_names,
    workbook,
)
from services.reporting.formats.charts import bar_chart
from services.reporting.formats.numbers import for_people, money_for_people, percent_for_people

# Fictional people only; counties and organisations are the real ones the platform covers.
SOURCES = [
    {"id": "registry-rss", "service": "actors", "endpoint": "/actors/structure/rss?as_of=2026-12-06",
     "as_of": "2026-12-06"},
    {"id": "funding-balances", "service": "funding", "endpoint": "/funding/agreements/balances?year=2026",
     "as_of": "2026-12-06"},
    {"id": "surveys-responses", "service": "surveys", "endpoint": "/surveys/rounds/needs-2026/response-rates",
     "as_of": "2026-12-06"},
    {"id": "surveys-status", "service": "surveys", "endpoint": "/surveys/status-reports?year=2026",
     "as_of": "2026-12-06"},
    {"id": "reporting-activities", "service": "reporting", "endpoint": "/reporting/activities?year=2026",
     "as_of": "2026-12-06"},
]


def sample_document() -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": "https://rss.example.se/reporting/schemas/annual-report-v1.json",
        "year": 2026, "as_of": "2026-12-06", "version": 3, "generated_at": "2026-12-06T10:00:00+00:00",
        "content_hash": "", "empty": False,
        "notes": ["Inga aktiviteter registrerade för 2026"],
        "sources": copy.deepcopy(SOURCES),
        "figures": [
            {"key": "status_reports_submitted", "label": "Lägesrapporter inkomna", "value": 12, "of": 21,
             "text": "12 av 21 län har lämnat lägesrapport", "source": "surveys-status"},
            {"key": "rss_count", "label": "RSS", "value": 21, "text": "21 regionala stödstrukturer",
             "source": "registry-rss"},
        ],
        "tables": [
            {"name": "rss", "title": "Regionala stödstrukturer", "source": "registry-rss",
             "columns": [{"name": "county", "title": "Län", "type": "string"},
                         {"name": "rss", "title": "RSS", "type": "string"},
                         {"name": "host", "title": "Värdorganisation", "type": "string"},
                         {"name": "contact", "title": "Kontaktperson", "type": "string"}],
             "rows": [{"county": "Dalarnas län", "rss": "RSS Dalarna", "host": "Region Dalarna",
                       "contact": "Åsa Öberg"},
                      {"county": "Stockholms län", "rss": "Storsthlm och Region Stockholm",
                       "host": "Storsthlm", "contact": "Göran Ärlig"}]},
            {"name": "money", "title": "Medel per överenskommelse och län", "source": "funding-balances",
             "columns": [{"name": "agreement", "title": "Överenskommelse", "type": "string"},
                         {"name": "county", "title": "Län", "type": "string"},
                         {"name": "allocated", "title": "Fördelat", "type": "money"},
                         {"name": "paid", "title": "Utbetalt", "type": "money"},
                         {"name": "reported_spent", "title": "Redovisat förbrukat", "type": "money"},
                         {"name": "outstanding", "title": "Kvar", "type": "money"},
                         {"name": "ledger_verified", "title": "Huvudbok stämd", "type": "boolean"}],
             "rows": [{"agreement": "Socialtjänst 2026", "county": "Dalarnas län", "allocated": 122553500,
                       "paid": 61276750, "reported_spent": 1, "outstanding": 61276750, "ledger_verified": True},
                      {"agreement": "Socialtjänst 2026", "county": "Stockholms län", "allocated": 987654321,
                       "paid": 987659371, "reported_spent": None, "outstanding": -5050,
                       "ledger_verified": False}]},
            {"name": "survey_response_rates", "title": "Svarsfrekvens i behovsinventeringen",
             "source": "surveys-responses",
             "columns": [{"name": "county", "title": "Län", "type": "string"},
                         {"name": "invited", "title": "Inbjudna", "type": "integer"},
                         {"name": "responded", "title": "Svarat", "type": "integer"},
                         {"name": "rate", "title": "Svarsfrekvens", "type": "percent"},
                         {"name": "previous_rate", "title": "Föregående år", "type": "percent"}],
             "rows": [{"county": "Dalarnas län", "invited": 1200, "responded": 1000, "rate": 83.3,
                       "previous_rate": 75},
                      {"county": "Stockholms län", "invited": 26, "responded": 26, "rate": 100,
                       "previous_rate": None}]},
            {"name": "status_reports", "title": "Lägesrapporter", "source": "surveys-status",
             "columns": [{"name": "county", "title": "Län", "type": "string"},
                         {"name": "submitted", "title": "Inlämnad", "type": "boolean"},
                         {"name": "submitted_on", "title": "Inlämnad den", "type": "date"},
                         {"name": "on_time", "title": "I tid", "type": "boolean"},
                         {"name": "deciding_body", "title": "Beslutande organ", "type": "string"},
                         {"name": "signatories", "title": "Undertecknare", "type": "integer"}],
             "rows": [{"county": "Dalarnas län", "submitted": True, "submitted_on": "2026-03-31", "on_time": True,
                       "deciding_body": "Länsövergripande ledningsgrupp", "signatories": 16},
                      {"county": "Stockholms län", "submitted": False, "submitted_on": None, "on_time": False,
                       "deciding_body": None, "signatories": 0}]},
            {"name": "activities", "title": "Aktiviteter", "source": "reporting-activities",
             "columns": [{"name": "title", "title": "Aktivitet", "type": "string"},
                         {"name": "starts_on", "title": "Från", "type": "date"},
                         {"name": "county", "title": "Län", "type": "string"}],
             "rows": []},
        ],
    }
    document["content_hash"] = content_hash(document)
    return document


# The amounts of the sample, as the document holds them (öre) and as exact kronor.
MONEY = {("Dalarnas län", "allocated"): 122553500, ("Dalarnas län", "paid"): 61276750,
         ("Dalarnas län", "reported_spent"): 1, ("Dalarnas län", "outstanding"): 61276750,
         ("Stockholms län", "allocated"): 987654321, ("Stockholms län", "paid"): 987659371,
         ("Stockholms län", "outstanding"): -5050}
MONEY_COLUMNS = ["allocated", "paid", "reported_spent", "outstanding"]


def kr(ore: int) -> Decimal:
    return Decimal(ore) / 100


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    document = sample_document()
    check_document(document)
    return document


# --- how people's numbers are written ----------------------------------------------------------------------------


def test_amounts_read_in_swedish_with_ore_only_when_there_are_any() -> None:
    nbsp = "\u00a0"
    assert money_for_people(122553500) == f"1{nbsp}225{nbsp}535{nbsp}kr"
    assert money_for_people(122553550) == f"1{nbsp}225{nbsp}535,50{nbsp}kr"
    assert money_for_people(1) == f"0,01{nbsp}kr"
    assert money_for_people(-5050) == f"\u221250,50{nbsp}kr"
    assert money_for_people(0) == f"0{nbsp}kr"
    assert percent_for_people(83.3) == f"83,3{nbsp}%"
    assert percent_for_people(100) == f"100{nbsp}%"
    assert percent_for_people(50.0) == f"50{nbsp}%"
    assert for_people(True, "boolean") == "ja" and for_people(False, "boolean") == "nej"
    assert for_people(None, "money") == "–"
    assert for_people(1200, "integer") == f"1{nbsp}200"


# --- the schema and the document's own rules ---------------------------------------------------------------------


def test_the_published_schema_accepts_the_sample(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(ANNUAL_REPORT_SCHEMA)
    jsonschema.validate(document, ANNUAL_REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("missing", ["content_hash", "tables", "sources", "as_of", "empty"])
def test_the_schema_refuses_a_document_without_a_required_key(document: dict[str, Any], missing: str) -> None:
    broken = {key: value for key, value in document.items() if key != missing}
    with pytest.raises(jsonschema.ValidationError, match=missing):
        jsonschema.validate(broken, ANNUAL_REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    with pytest.raises(ValueError, match=missing):
        check_document(broken)


def test_the_schema_refuses_unknown_column_types_and_figures_that_are_not_numbers(document: dict[str, Any]) -> None:
    odd_type = copy.deepcopy(document)
    odd_type["tables"][1]["columns"][2]["type"] = "currency"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(odd_type, ANNUAL_REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    text_figure = copy.deepcopy(document)
    text_figure["figures"][0]["value"] = "12"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(text_figure, ANNUAL_REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    measure = copy.deepcopy(document)  # a mean rating is a figure too, shown with a decimal comma
    measure["figures"][0]["value"] = 3.22
    jsonschema.validate(measure, ANNUAL_REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert "3,22" in html_page(measure)


def test_a_float_amount_is_refused_naming_the_table_the_row_and_the_column(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    broken["tables"][1]["rows"][1]["paid"] = 9876593.71
    with pytest.raises(ValueError, match=r'table "money", row 2, column "paid": money is an integer number of öre'):
        check_document(broken)


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), [
    (2, 0, "rate", 83.33, "at most one decimal"),
    (2, 0, "rate", 101, "between 0 and 100"),
    (3, 0, "submitted_on", "2026-02-30", "not an ISO date"),
    (3, 0, "submitted_on", "31/03/2026", "not an ISO date"),
    (3, 0, "submitted", "ja", "a boolean is true or false"),
    (2, 1, "invited", True, "integer is an integer"),
    (0, 0, "county", 20, "a string column holds text"),
])
def test_a_value_of_the_wrong_type_for_its_column_is_refused(document: dict[str, Any], table: int, row: int,
                                                              column: str, value: object, rule: str) -> None:
    broken = copy.deepcopy(document)
    broken["tables"][table]["rows"][row][column] = value
    name = broken["tables"][table]["name"]
    with pytest.raises(ValueError, match=rf'table "{name}", row {row + 1}, column "{column}": .*{rule}'):
        check_document(broken)


def test_a_row_lacking_a_column_or_holding_an_unknown_one_is_refused(document: dict[str, Any]) -> None:
    lacking = copy.deepcopy(document)
    del lacking["tables"][1]["rows"][0]["outstanding"]
    with pytest.raises(ValueError, match=r'table "money", row 1, column "outstanding": missing'):
        check_document(lacking)
    extra = copy.deepcopy(document)
    extra["tables"][1]["rows"][0]["bonus"] = 5
    with pytest.raises(ValueError, match=r'table "money", row 1, column "bonus": not a column'):
        check_document(extra)


def test_a_source_that_is_not_listed_and_a_table_named_twice_are_refused(document: dict[str, Any]) -> None:
    unlisted = copy.deepcopy(document)
    unlisted["tables"][0]["source"] = "registry-elsewhere"
    with pytest.raises(ValueError, match=r'table "rss": source .registry-elsewhere. is not among the sources'):
        check_document(unlisted)
    twice = copy.deepcopy(document)
    twice["tables"].append(copy.deepcopy(twice["tables"][0]))
    with pytest.raises(ValueError, match="table name 'rss' appears twice"):
        check_document(twice)


def test_the_content_hash_ignores_version_and_time_but_not_content(document: dict[str, Any]) -> None:
    later = {**document, "version": 4, "generated_at": "2026-12-07T08:00:00+00:00"}
    assert content_hash(later) == document["content_hash"]
    changed = copy.deepcopy(document)
    changed["tables"][1]["rows"][0]["paid"] += 1
    assert content_hash(changed) != document["content_hash"]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", document["content_hash"])


# --- CSV -----------------------------------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel reads å, ä and ö"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_of_the_money_table_holds_every_amount_in_kronor_exactly(document: dict[str, Any]) -> None:
    data = csv_table(document, "money")
    assert b"\r\n" in data and b";" not in data
    header, *rows = read_csv(data)
    assert header == ["Överenskommelse", "Län", "Fördelat", "Utbetalt", "Redovisat förbrukat", "Kvar",
                      "Huvudbok stämd"]
    by_county = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_county["Dalarnas län"]["Fördelat"] == "1225535.00"
    assert by_county["Dalarnas län"]["Utbetalt"] == "612767.50"
    for (county, column), ore in MONEY.items():
        title = next(c["title"] for c in document["tables"][1]["columns"] if c["name"] == column)
        assert Decimal(by_county[county][title]) == kr(ore)
    assert by_county["Stockholms län"]["Redovisat förbrukat"] == "", "null is an empty cell"
    assert by_county["Stockholms län"]["Kvar"] == "-50.50"
    assert [by_county[c]["Huvudbok stämd"] for c in ("Dalarnas län", "Stockholms län")] == ["ja", "nej"]


def test_the_csv_writes_percents_as_numbers_dates_as_iso_and_quotes_by_rfc_4180(document: dict[str, Any]) -> None:
    _, *rates = read_csv(csv_table(document, "survey_response_rates"))
    assert rates == [["Dalarnas län", "1200", "1000", "83.3", "75"], ["Stockholms län", "26", "26", "100", ""]]
    _, *reports = read_csv(csv_table(document, "status_reports"))
    assert reports[0][:4] == ["Dalarnas län", "ja", "2026-03-31", "ja"]
    quoted = copy.deepcopy(document)
    quoted["tables"][0]["rows"][0]["host"] = 'Region "Dalarna", Falun'
    quoted["tables"][0]["rows"][1]["host"] = "=HYPERLINK(\"x\")"
    data = csv_table(quoted, "rss")
    assert b'"Region ""Dalarna"", Falun"' in data
    hosts = [row[2] for row in read_csv(data)[1:]]
    assert hosts == ['Region "Dalarna", Falun', "'=HYPERLINK(\"x\")"], "a formula-like text is kept as text"


def test_an_empty_table_is_a_csv_of_its_header_and_an_unknown_table_is_named(document: dict[str, Any]) -> None:
    assert read_csv(csv_table(document, "activities")) == [["Aktivitet", "Från", "Län"]]
    with pytest.raises(UnknownTable, match="'needs'"):
        csv_table(document, "needs")


# --- XLSX ----------------------------------------------------------------------------------------------------------


def test_the_workbook_starts_with_the_summary_and_holds_the_same_amounts(document: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(workbook(document)))
    assert book.sheetnames == ["Sammanfattning", "Regionala stödstrukturer", "Medel per överenskommelse och l",
                               "Svarsfrekvens i behovsinventeri", "Lägesrapporter", "Aktiviteter"]
    money = book["Medel per överenskommelse och l"]
    assert money.freeze_panes == "A2"
    header = [cell.value for cell in money[1]]
    assert header == ["Överenskommelse", "Län", "Fördelat", "Utbetalt", "Redovisat förbrukat", "Kvar",
                      "Huvudbok stämd"]
    rows = {row[1].value: row for row in money.iter_rows(min_row=2)}
    assert set(rows) == {"Dalarnas län", "Stockholms län"}
    for (county, column), ore in MONEY.items():
        cell = rows[county][header.index(_title(document, "money", column))]
        assert isinstance(cell.value, int | float), "an amount is a number, not text"
        assert Decimal(repr(cell.value)) == kr(ore)
        assert cell.number_format == '#,##0.00 "kr"'
    assert rows["Stockholms län"][4].value is None
    assert [rows[c][6].value for c in ("Dalarnas län", "Stockholms län")] == ["ja", "nej"]
    assert money.column_dimensions["C"].width >= len("1 225 535 kr")


def test_the_workbook_has_real_dates_percents_as_numbers_and_a_header_only_empty_sheet(
        document: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(workbook(document)))
    reports = book["Lägesrapporter"]
    assert reports["C2"].value == datetime(2026, 3, 31) and reports["C2"].is_date
    assert reports["C3"].value is None
    rates = book["Svarsfrekvens i behovsinventeri"]
    assert [rates["D2"].value, rates["E2"].value, rates["D3"].value] == [83.3, 75, 100]
    activities = book["Aktiviteter"]
    assert activities.max_row == 1 and [c.value for c in activities[1]] == ["Aktivitet", "Från", "Län"]
    assert activities.freeze_panes == "A2"


def test_the_summary_sheet_lists_the_figures_the_tables_and_the_sources(document: dict[str, Any]) -> None:
    summary = load_workbook(io.BytesIO(workbook(document)))["Sammanfattning"]
    values = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert values[0][0] == "Årsrapport 2026"
    assert ["Per datum", datetime(2026, 12, 6)] == values[1][:2]
    figures = next(i for i, row in enumerate(values) if row[0] == "Nyckeltal" and row[1] == "Värde")
    assert values[figures + 1][:5] == ["Lägesrapporter inkomna", 12, 21, "12 av 21 län har lämnat lägesrapport",
                                       "surveys-status"]
    assert values[figures + 2][:3] == ["RSS", 21, None]
    sources = next(i for i, row in enumerate(values) if row[0] == "Källa" and row[1] == "Tjänst")
    listed = [row[:4] for row in values[sources + 1:sources + 1 + len(SOURCES)]]
    assert listed == [[s["id"], s["service"], s["endpoint"], datetime(2026, 12, 6)] for s in SOURCES]
    tables = next(i for i, row in enumerate(values) if row[0] == "Blad")
    assert values[tables + 5][:3] == ["Aktiviteter", "Aktiviteter", 0]


def test_sheet_names_are_valid_unique_and_keep_swedish_letters() -> None:
    names = sheet_names([
        "Medel per överenskommelse och län i hela riket",  # cut to 31
        "Medel per överenskommelse och län i varje län",  # the same 31 first characters
        "Behov: topp/botten [län]*?\\",
        "sammanfattning",  # taken, whatever the case
        "???",  # nothing left: the fallback
        "'Citat'",
        "History",  # Excel's own
        "Ärenden 😀 " + "x" * 30,
    ], fallbacks=["a", "b", "c", "d", "behov_per_lan", "f", "g", "h"], taken=["Sammanfattning"])
    assert names[0] == "Medel per överenskommelse och l"
    assert names[1] == "Medel per överenskommelse o (2)"
    assert names[2] == "Behov- topp-botten (län)-"
    assert names[3] == "sammanfattning (2)"
    assert names[4] == "behov_per_lan"
    assert names[5] == "Citat"
    assert names[6] == "History (2)"
    assert names[7].startswith("Ärenden 😀 x") and len(names[7].encode("utf-16-le")) // 2 <= 31
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert len(name.encode("utf-16-le")) // 2 <= 31
        assert not set(name) & set("[]:*?/\\") and not name.startswith("'") and not name.endswith("'")


def test_a_workbook_with_clashing_and_odd_titles_opens_with_every_sheet(document: dict[str, Any]) -> None:
    odd = copy.deepcopy(document)
    for table in odd["tables"]:
        table["title"] = "Medel/län: [utfall] per överenskommelse och län"
    odd["tables"][0]["title"] = "Sammanfattning"
    odd["tables"][1]["rows"][0]["agreement"] = "=1+1"
    book = load_workbook(io.BytesIO(workbook(odd)))
    assert book.sheetnames[0] == "Sammanfattning"
    assert book.sheetnames[1] == "Sammanfattning (2)"
    assert book.sheetnames[2] == "Medel-län- (utfall) per överens"
    assert book.sheetnames[3] == "Medel-län- (utfall) per öve (2)"
    assert len(book.sheetnames) == 1 + len(odd["tables"])
    cell = book[book.sheetnames[2]]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s", "a text stays text, never a formula"


# --- HTML ----------------------------------------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The page's tables (caption, headers with their scope, cells), its elements and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._in_caption = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("id"), "caption": "", "headers": [], "scopes": [],
                                "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["scopes"].append(dict(attrs).get("scope"))
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            table = self.tables[-1]
            (table["headers"] if tag == "th" else table["rows"][-1]).append(text)
            self._cell = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption:
            self.tables[-1]["caption"] += data
        if not self._in_style:
            self.text.append(data)

    def table(self, caption: str) -> dict[str, Any]:
        found = next(table for table in self.tables if table["caption"] == caption)
        found["rows"] = [row for row in found["rows"] if row]  # the header row holds no td
        return found


def read_page(page: str) -> PageReader:
    reader = PageReader()
    reader.feed(page)
    reader.close()
    return reader


def kronor_read_by_people(text: str) -> Decimal:
    """'1 225 535,50 kr' → Decimal('1225535.50')."""
    assert text.endswith("\u00a0kr"), text
    number = text.removesuffix("\u00a0kr").replace("\u00a0", "").replace(",", ".").replace("\u2212", "-")
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]{2})?", number), text
    return Decimal(number)


def test_the_page_is_swedish_printable_and_self_contained(document: dict[str, Any]) -> None:
    page = html_page(document)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in page and '<meta charset="utf-8">' in page
    assert "<title>Årsrapport 2026</title>" in page
    assert "size: A4" in page and "counter(page)" in page and "counter(pages)" in page
    reader = read_page(page)
    assert "script" not in reader.tags and "link" not in reader.tags and "img" not in reader.tags
    assert not [a for a in reader.attributes if a[1] in ("src", "href")], "nothing fetched: no src or href"
    assert "url(" not in page and "@import" not in page
    words = " ".join(reader.text)
    assert "version 3 · skapad 2026-12-06 kl. 11.00" in words, "the time is Swedish"
    for heading in ("Årsrapport 2026", "Sammanfattning", "Källor", "Anmärkningar",
                    "12 av 21 län har lämnat lägesrapport", "Inga aktiviteter registrerade för 2026"):
        assert heading in words


def test_the_page_holds_every_amount_as_people_read_it(document: dict[str, Any]) -> None:
    reader = read_page(html_page(document))
    money = reader.table("Medel per överenskommelse och län")
    assert money["scopes"] == ["col"] * 7
    assert money["headers"] == ["Överenskommelse", "Län", "Fördelat", "Utbetalt", "Redovisat förbrukat", "Kvar",
                                "Huvudbok stämd"]
    rows = {row[1]: dict(zip(money["headers"], row, strict=True)) for row in money["rows"]}
    assert rows["Dalarnas län"]["Fördelat"] == "1\u00a0225\u00a0535\u00a0kr"
    assert rows["Dalarnas län"]["Utbetalt"] == "612\u00a0767,50\u00a0kr"
    for (county, column), ore in MONEY.items():
        assert kronor_read_by_people(rows[county][_title(document, "money", column)]) == kr(ore)
    assert rows["Stockholms län"]["Redovisat förbrukat"] == "–"
    assert rows["Stockholms län"]["Huvudbok stämd"] == "nej"
    rates = reader.table("Svarsfrekvens i behovsinventeringen")
    assert rates["rows"][0] == ["Dalarnas län", "1\u00a0200", "1\u00a0000", "83,3\u00a0%", "75\u00a0%"]
    sources = reader.table("Källor")
    assert sources["rows"] == [[s["id"], s["service"], s["endpoint"], s["as_of"]] for s in SOURCES]


def test_each_chart_is_an_inline_image_followed_by_its_table(document: dict[str, Any]) -> None:
    page = html_page(document)
    charts = re.findall(r'<svg [^>]*aria-labelledby="(diagram-[a-z_]+)-title', page)
    assert charts == ["diagram-money", "diagram-survey_response_rates", "diagram-status_reports"]
    for chart in charts:
        name = chart.removeprefix("diagram-")
        assert page.index(f'id="{chart}-title"') < page.index(f'<table id="tabell-{name}-data"')
        assert f'aria-describedby="tabell-{name}-data"' in page
    money_chart = page[page.index('aria-labelledby="diagram-money-title'):page.index("</svg>")]
    assert "1\u00a0225\u00a0535\u00a0kr" in money_chart and "Dalarnas län" in money_chart
    assert money_chart.count("<rect") == 2


def test_a_chart_draws_negative_values_left_of_zero_and_no_bar_for_a_null() -> None:
    table = {"name": "needs_national", "title": "Behov i riket", "source": "surveys-responses",
             "columns": [{"name": "rank", "title": "Plats", "type": "integer"},
                         {"name": "need", "title": "Behov", "type": "string"},
                         {"name": "balance", "title": "Saldo", "type": "money"}],
             "rows": [{"rank": 1, "need": "Kompetens & <stöd>", "balance": 10000},
                      {"rank": 2, "need": "Äldreomsorg", "balance": -5000},
                      {"rank": 3, "need": "Öppenvård", "balance": None}]}
    svg = ElementTree.fromstring(str(bar_chart(table, chart_id="diagram-needs_national")))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img"
    assert svg.find("svg:title", ns).text == "Behov i riket: Saldo"  # type: ignore[union-attr]
    axis = float(svg.find("svg:line", ns).get("x1"))  # type: ignore[arg-type, union-attr]
    bars = svg.findall("svg:rect", ns)
    assert len(bars) == 2, "no bar for the null value"
    positive, negative = bars
    assert float(positive.get("x")) == pytest.approx(axis, abs=0.1)  # type: ignore[arg-type]
    assert float(negative.get("x")) + float(negative.get("width")) == pytest.approx(axis, abs=0.2)  # type: ignore[arg-type]
    assert float(positive.get("width")) == pytest.approx(2 * float(negative.get("width")), abs=0.2)  # type: ignore[arg-type]
    texts = [text.text for text in svg.findall("svg:text", ns)]
    assert texts == ["Kompetens & <stöd>", "100\u00a0kr", "Äldreomsorg", "\u221250\u00a0kr", "Öppenvård", "–"]


def test_an_empty_table_says_so_and_draws_no_chart(document: dict[str, Any]) -> None:
    page = html_page(document)
    section = page[page.index('id="tabell-activities"'):]
    section = section[:section.index("</section>")]
    assert "Inga uppgifter i tabellen för 2026." in section
    assert "<svg" not in section and "<table" not in section


def test_text_from_the_sources_is_escaped_never_run(document: dict[str, Any]) -> None:
    hostile = copy.deepcopy(document)
    hostile["tables"][1]["title"] = "<script>alert('medel')</script> Medel & län"
    hostile["tables"][1]["rows"][0]["county"] = '<img src=x onerror="alert(1)">Dalarna'
    hostile["tables"][1]["columns"][0]["title"] = "</th><script>alert(2)</script>"
    hostile["notes"] = ["<b>fet</b> anmärkning"]
    hostile["sources"][1]["endpoint"] = "/funding/x?a=1&b=<script>"
    page = html_page(hostile)
    reader = read_page(page)
    assert "script" not in reader.tags and "img" not in reader.tags and "b" not in reader.tags
    assert "&lt;script&gt;alert(&#39;medel&#39;)&lt;/script&gt; Medel &amp; län" in page
    money = reader.table("<script>alert('medel')</script> Medel & län")
    assert money["headers"][0] == "</th><script>alert(2)</script>"
    assert money["rows"][0][1] == '<img src=x onerror="alert(1)">Dalarna'
    assert "<b>fet</b> anmärkning" in " ".join(reader.text)


# --- PDF -----------------------------------------------------------------------------------------------------------


def laid_out_text(pages: list[Any]) -> list[str]:
    """The text WeasyPrint placed on each page (its layout boxes; no PDF text reader is installed)."""
    texts = []
    for page in pages:
        words = [box.text for box in page._page_box.descendants() if hasattr(box, "text")]
        texts.append(" ".join(words))
    return texts


def test_the_pdf_is_the_page_in_a4_pages_numbered_and_holds_every_amount(document: dict[str, Any]) -> None:
    from services.reporting.formats.pdf_format import rendered

    data = pdf_document(document)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    laid_out = rendered(document)
    pages = laid_out.pages
    assert len(pages) >= 2
    assert all(round(page.width * 0.75) == 595 and round(page.height * 0.75) == 842 for page in pages), "A4"
    text = laid_out_text(pages)
    assert "Sida 1 av" in text[0] and f"Sida {len(pages)} av {len(pages)}" in text[-1]
    everything = " ".join(text)
    for (county, column), ore in MONEY.items():
        assert money_for_people(ore) in everything, (county, column)
        assert kronor_read_by_people(money_for_people(ore)) == kr(ore)
    for words in ("Årsrapport 2026", "Sammanfattning", "Källor", "Dalarnas län", "Åsa Öberg", "83,3\u00a0%"):
        assert words in everything


def test_the_pdf_makes_no_request_even_for_a_page_that_names_an_address(document: dict[str, Any],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from services.reporting.formats import pdf_format

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        page = html_page(document).replace(
            "</main>", f'<img src="http://127.0.0.1:{port}/logo.png" alt="logotyp">'
                       f'<link rel="stylesheet" href="http://127.0.0.1:{port}/print.css"></main>')
        monkeypatch.setattr(pdf_format, "html_page", lambda _: page)
        assert pdf_format.pdf_document(document).startswith(b"%PDF-")
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


def _title(document: dict[str, Any], table: str, column: str) -> str:
    found = next(t for t in document["tables"] if t["name"] == table)
    return next(c["title"] for c in found["columns"] if c["name"] == column)

