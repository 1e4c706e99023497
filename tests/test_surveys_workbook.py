"""Authoring in Excel through the gateway: a questionnaire goes out as an XLSForm-style workbook and comes back as
a new draft unchanged, a coordinator drafts one in Excel, corrects it and publishes it, a bad sheet is refused
naming its row, and any version reads as a FHIR Questionnaire resource."""

from __future__ import annotations

import io

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
