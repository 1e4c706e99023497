"""The XLSForm-style workbook in-process: the shipped templates go through a workbook and back unchanged, and a
bad sheet is refused naming its sheet, row and column."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from services.surveys.codelists.reference import CODE_LISTS
from services.surveys.questionnaires.fhir import questionnaire_resource
from services.surveys.questionnaires.schemas import Option, QuestionnaireContent, QuestionnaireOut, flatten
from services.surveys.questionnaires.workbook import ReadWorkbook, read_workbook, write_workbook
from services.surveys.templates.shipped import needs_survey, status_report
from shared.problems import FieldError, InvalidInput

CODE_LIST_IDS = {entry["id"] for entry in CODE_LISTS}


def stored(template) -> QuestionnaireContent:  # type: ignore[no-untyped-def]
    """A template as it is stored: its code lists' options copied in."""
    for item, _ in flatten(template.items):
        if item.code_list:
            entry = next(e for e in CODE_LISTS if e["id"] == item.code_list)
            item.options = [Option(code=c[0], display=c[1]) for c in entry["codes"]]
    return QuestionnaireContent(title=template.title, description=template.description, items=template.items)


def sheet_rows(body: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


@pytest.mark.parametrize("template", [needs_survey, status_report])
def test_a_template_goes_through_the_workbook_unchanged(template):  # type: ignore[no-untyped-def]
    content = stored(template())
    body = write_workbook("enkat", 1, content, CODE_LIST_IDS)
    again = read_workbook(body, CODE_LIST_IDS).content
    assert again.model_dump(mode="json") == content.model_dump(mode="json")
    assert sheet_rows(write_workbook("enkat", 1, again, CODE_LIST_IDS)) == sheet_rows(body)


def test_the_needs_survey_reads_as_xlsform():  # type: ignore[no-untyped-def]
    rows = sheet_rows(write_workbook("behovsinventering", 1, stored(needs_survey()), CODE_LIST_IDS))
    survey = rows["survey"]
    assert survey[0] == ("type", "name", "label", "required", "relevant", "constraint", "category")
    assert survey[1][:2] == ("begin group", "behov.barn-och-unga")
    assert survey[2][0] == "range" and survey[2][5] == ". >= 1 and . <= 5"
    assert survey[3][:2] == ("select_multiple kunskapsprocesser", "behov.barn-och-unga.processer")
    assert survey[3][4] == "${behov.barn-och-unga.angelagenhet} >= 3"
    assert ("nivaer", "lokal", "Lokal nivå (kommunen)") in rows["choices"]


def workbook(survey: list[list], choices: list[list] | None = None, title: str | None = "Enkät") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [["type", "name", "label", "required", "relevant", "constraint"], *survey]:
        sheet.append(row)
    listing = book.create_sheet("choices")
    for row in [["list_name", "name", "label"], *(choices or [])]:
        listing.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append([title, "enkat"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refusal(body: bytes) -> set[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        read_workbook(body, CODE_LIST_IDS)
    return {(e.field, e.rule) for e in refused.value.errors}


def test_a_bad_sheet_is_refused_row_by_row():  # type: ignore[no-untyped-def]
    body = workbook([
        ["integer", "antal", "Hur många?", "yes", "", ". >= 0"],
        ["select_one saknas", "niva", "Nivå", "no", "", ""],
        ["text", "fritext", "Kommentar", "kanske", "${antal} >", ""],
        ["begin group", "grupp", "Grupp", "", "", ""],
        ["dropdown", "x", "Okänd typ", "", "", ""],
        ["text", "langd", "Längd", "", "", "string-length(.) <= 2.5"],
    ], choices=[["egen", "Ogiltig kod", "Visas"]])
    assert refusal(body) == {
        ("choices row 2.name", "string_pattern_mismatch"), ("survey row 3.type", "known_choice_list"),
        ("survey row 4.required", "yes_or_no"), ("survey row 4.relevant", "condition_syntax"),
        ("survey row 6.type", "known_type"), ("survey row 7.constraint", "constraint_syntax"),
        ("survey row 5.type", "group_closed")}


def test_the_questionnaires_rules_are_named_on_their_rows():  # type: ignore[no-untyped-def]
    read = read_workbook(workbook([["integer", "a", "A", "yes", "", ". >= 5 and . <= 1"],
                                   ["text", "b", "B", "no", "${c} = 'x'", ""]]), CODE_LIST_IDS)
    assert isinstance(read, ReadWorkbook) and read.rows == {"a": 2, "b": 3}
    located = read.located(InvalidInput("x", errors=[
        FieldError(f, r, "m") for f, r in (("items.a.max_value", "bounds_order"),
                                            ("items.b.enable_when.0.question", "condition_on_earlier_question"),
                                            ("title", "other"))]))
    assert [(e.field, e.rule) for e in located.errors] == [("survey row 2.constraint", "bounds_order"),
                                                           ("survey row 3.relevant", "condition_on_earlier_question"),
                                                           ("title", "other")]


def test_not_a_workbook_and_missing_sheets():  # type: ignore[no-untyped-def]
    assert refusal(b"type;name;label\n") == {("body", "xlsx_workbook")}
    book = Workbook()
    book.active.title = "enkat"
    out = io.BytesIO()
    book.save(out)
    assert refusal(out.getvalue()) == {("survey", "sheet_present"), ("settings row 2.form_title",
                                                                      "form_title_present")}
    assert refusal(workbook([["text", "a", "A", "", "", ""]], title=None)) == {("settings row 2.form_title",
                                                                               "form_title_present")}


def test_the_fhir_resource_names_items_conditions_and_options():  # type: ignore[no-untyped-def]
    content = stored(needs_survey())
    resource = questionnaire_resource(QuestionnaireOut(
        id="behovsinventering", version=1, status="published", title=content.title, description=content.description,
        items=content.items, created_at="2026-12-01T00:00:00Z", published_at=None, retired_at=None))
    assert (resource["resourceType"], resource["status"], resource["version"]) == ("Questionnaire", "active", "1")
    group = resource["item"][0]
    scale, processes, level = group["item"]
    assert (group["type"], scale["type"], scale["required"]) == ("group", "integer", True)
    assert [e["valueInteger"] for e in scale["extension"]] == [1, 5]
    assert processes["enableWhen"] == [{"question": "behov.barn-och-unga.angelagenhet", "operator": ">=",
                                        "answerInteger": 3}]
    assert (processes["type"], processes["repeats"], len(processes["answerOption"])) == ("choice", True, 9)
    assert level["answerOption"][0]["valueCoding"] == {"system": "urn:rss:surveys:code-list:nivaer",
                                                       "code": "lokal", "display": "Lokal nivå (kommunen)"}
