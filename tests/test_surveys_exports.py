"""A round's exports through the gateway, read as a spreadsheet reads them: typed cells in XLSX (a number a
number, a decimal answer a number with a format, a date a date, a choice TRUE or FALSE), each item's text over its
linkId, county names beside codes, an autofilter and widths; CSV with `;` and the decimal comma, or with
`?delimiter=comma` and the decimal point."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from tests.surveys_requests import answer, export_rows, open_round, unique

FALUN, BORLANGE = "2080", "2081"


def published_questionnaire(gateway, admin_key) -> str:
    qid = unique("uppfoljning")
    body = {"id": qid, "title": "Uppföljning av kunskapsstödet", "items": [
        {"link_id": "arsarbetare", "text": "Hur många årsarbetare?", "type": "integer"},
        {"link_id": "timmar", "text": "Timmar per vecka i snitt?", "type": "decimal"},
        {"link_id": "start", "text": "När började arbetet?", "type": "date"},
        {"link_id": "niva", "text": "Vilka nivåer bör agera?", "type": "multiple_choice", "code_list": "nivaer"},
        {"link_id": "ovrigt", "text": "Övrigt", "type": "text"}]}
    created = gateway.post("/surveys/questionnaires", json=body, headers=admin_key)
    assert created.status_code == 201, created.text
    published = gateway.post(f"/surveys/questionnaires/{qid}/versions/1/publish", headers=admin_key)
    assert published.status_code == 200, published.text
    return qid


def answered_round(gateway, admin_key, county_key) -> str:
    round_ = open_round(gateway, admin_key, questionnaire=published_questionnaire(gateway, admin_key),
                        organisation_ids=[FALUN, BORLANGE])
    for respondent, answers in ((FALUN, {"arsarbetare": 12, "timmar": 37.5, "start": "2023-03-01",
                                         "niva": ["lokal", "regional"], "ovrigt": "=SUMMA(A1) på Åsen"}),
                                (BORLANGE, {"arsarbetare": 3, "timmar": 20.25, "start": "2024-01-15",
                                            "niva": ["nationell"]})):
        sent = answer(gateway, county_key, round_["id"], respondent, answers)
        assert sent.status_code == 201, sent.text
    return f"/surveys/rounds/{round_['id']}/exports"


def test_the_responses_workbook_has_typed_cells_under_the_items_texts(gateway, admin_key, county_key):
    url = answered_round(gateway, admin_key, county_key)
    exported = gateway.get(f"{url}/responses.xlsx", headers=county_key)
    assert exported.status_code == 200, exported.text
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    labels, ids, *body = [list(row) for row in sheet.iter_rows()]
    label = {i.value: lab.value for lab, i in zip(labels, ids, strict=True)}
    assert (label["arsarbetare"], label["timmar"], label["start"], label["county_name"]) == (
        "Hur många årsarbetare?", "Timmar per vecka i snitt?", "När började arbetet?", "Län")
    assert label["niva:regional"].startswith("Vilka nivåer bör agera?: ")
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert all(sheet.column_dimensions[c].width >= 6 for c in ("A", "B", "C"))
    falun = next({i.value: c for i, c in zip(ids, row, strict=True)} for row in body
                 if row[0].value == FALUN)
    assert falun["arsarbetare"].value == 12 and isinstance(falun["arsarbetare"].value, int)
    assert isinstance(falun["timmar"].value, int | float) and falun["timmar"].value == 37.5
    assert falun["timmar"].number_format == "#,##0.00"
    assert isinstance(falun["start"].value, date) and falun["start"].value.date() == date(2023, 3, 1)
    assert (falun["niva:lokal"].value, falun["niva:nationell"].value) == (True, False)
    assert falun["late"].value is False and falun["county_name"].value == "Dalarnas län"
    assert falun["ovrigt"].value == "=SUMMA(A1) på Åsen" and falun["ovrigt"].data_type == "s"
    assert datetime.fromisoformat(falun["submitted_at"].value).utcoffset() is not None

    rows = {r["respondent_id"]: r for r in export_rows(gateway.get(f"{url}/responses.csv", headers=county_key))}
    assert (rows[FALUN]["timmar"], rows[FALUN]["start"], rows[FALUN]["niva:lokal"], rows[FALUN]["late"]) == (
        "37,5", "2023-03-01", "ja", "nej")
    assert rows[FALUN]["ovrigt"] == "'=SUMMA(A1) på Åsen"
    comma = export_rows(gateway.get(f"{url}/responses.csv", params={"delimiter": "comma"}, headers=county_key),
                        delimiter=",")
    falun_comma = next(r for r in comma if r["respondent_id"] == FALUN)
    assert (falun_comma["timmar"], falun_comma["niva:lokal"], falun_comma["late"]) == ("37.5", "true", "false")


def test_the_distribution_file_writes_the_decimal_separator_its_delimiter_goes_with(gateway, admin_key,
                                                                                    county_key):
    url = answered_round(gateway, admin_key, county_key)
    raw = gateway.get(f"{url}/distribution.csv", headers=admin_key)
    labels = next(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")), delimiter=";"))
    assert "Fråga" in labels
    semicolon = export_rows(raw)
    means = [r["mean"] for r in semicolon if r["mean"]]
    shares = [r["share"] for r in semicolon if r["share"] not in ("", "0", "1")]
    assert means and all("," in m and "." not in m for m in means), means
    assert shares and all("," in s and "." not in s for s in shares), shares
    assert {r["county_name"] for r in semicolon if r["scope"] == "nation"} == {""}

    comma = export_rows(gateway.get(f"{url}/distribution.csv", params={"delimiter": "comma"}, headers=admin_key),
                        delimiter=",")
    assert [r["mean"] for r in comma if r["mean"]] == [m.replace(",", ".") for m in means]
    assert all("." in r["share"] for r in comma if r["share"] not in ("", "0", "1"))

    sheet = load_workbook(io.BytesIO(gateway.get(f"{url}/distribution.xlsx", headers=admin_key).content))
    _labels, ids, *body = [list(row) for row in sheet.worksheets[0].iter_rows()]
    column = [i.value for i in ids]
    timmar = next(r for r in body if r[column.index("link_id")].value == "timmar")
    mean = timmar[column.index("mean")]
    assert isinstance(mean.value, int | float) and mean.number_format == "#,##0.00"
    assert all(isinstance(r[column.index("suppressed")].value, bool) for r in body)
