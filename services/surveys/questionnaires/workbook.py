"""A questionnaire as an XLSForm-style workbook, so a coordinator can draft it in Excel.

Sheets:
* `survey`: type, name (the linkId), label, required (yes/no), relevant (the conditions), constraint (bounds),
  category. Types: `begin group` / `end group`, `select_one L`, `select_multiple L`, `rank L` (L: a list of the
  choices sheet, or a shipped code list by its id), `range` (a scale), `integer`, `decimal`, `text`, `date`.
  relevant: `${linkId} >= 3`, `${linkId} = 'code'`, `selected(${linkId}, 'code')`, `${linkId} != ''` (answered),
  joined by ` and ` (all must hold) or ` or ` (any). constraint: `. >= 1 and . <= 5` (numbers),
  `string-length(.) <= 4000` (text), `count-selected(.) <= 3` (choices).
* `choices`: list_name, name (the code), label.
* `settings`: form_title, form_id, version, description.

Reading checks the sheets' own form and names each mistake as `<sheet> row <n>.<column>` (row 1 is the header);
the questionnaire's rules (shared with the JSON API) are checked afterwards and their errors are moved onto the
row of the item they name (`located`). Writing and reading again gives the same questionnaire.

An upload is read in a child process with memory and time limits (`read_workbook_isolated`, shared/isolated.py),
after the file's own bounds (workbook_file.py: unpacked sizes, no DTDs, rows as they come): a file built to
exhaust the service is 413 or 422 and the service keeps answering everyone else meanwhile.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from pydantic import ValidationError

from services.surveys.questionnaires.schemas import (
    CHOICE_TYPES,
    Condition,
    Item,
    ItemType,
    Operator,
    Option,
    QuestionnaireContent,
)
from services.surveys.questionnaires.workbook_file import MIB, WorkbookLimits, open_workbook, sheet_values
from shared.isolated import LimitExceeded, Limits, preload, run_isolated
from shared.problems import BodyTooLarge, FieldError, InvalidInput

SURVEY_COLUMNS = ["type", "name", "label", "required", "relevant", "constraint", "category"]
CHOICES_COLUMNS = ["list_name", "name", "label"]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "description"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
LIST_TYPES = {"select_one": ItemType.SINGLE_CHOICE, "select_multiple": ItemType.MULTIPLE_CHOICE,
              "rank": ItemType.RANKING}
PLAIN_TYPES = {"range": ItemType.SCALE, "integer": ItemType.INTEGER, "decimal": ItemType.DECIMAL,
               "text": ItemType.TEXT, "date": ItemType.DATE}
TYPE_NAMES = {v: k for k, v in {**LIST_TYPES, **PLAIN_TYPES}.items()}
YES, NO = {"yes", "true", "1", "ja", "true()"}, {"", "no", "false", "0", "nej", "false()"}
CONDITION = re.compile(r"^\$\{([^}]+)\}\s*(!=|>=|<=|=|>|<)\s*(.+)$")
SELECTED = re.compile(r"^selected\(\s*\$\{([^}]+)\}\s*,\s*'([^']*)'\s*\)$")
BOUND = re.compile(r"^(\.|string-length\(\.\)|count-selected\(\.\))\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
# Where an error of the questionnaire's rules (items.<linkId>.<attribute>) is shown in the survey sheet.
COLUMN_OF = {"link_id": "name", "text": "label", "enable_when": "relevant", "min_value": "constraint",
             "max_value": "constraint", "min_length": "constraint", "max_length": "constraint",
             "category": "category", "required": "required"}


@dataclass
class ReadWorkbook:
    content: QuestionnaireContent
    rows: dict[str, int] = field(default_factory=dict)  # linkId -> its survey row

    def located(self, refused: InvalidInput) -> InvalidInput:
        """The questionnaire's refusal with each item's error moved onto its row of the survey sheet."""
        errors = []
        for error in refused.errors:
            parts = error.field.split(".")
            link_id = next((".".join(parts[1:n]) for n in range(len(parts), 1, -1)
                            if ".".join(parts[1:n]) in self.rows), None) if parts[0] == "items" else None
            if link_id is None:
                errors.append(error)
                continue
            attribute = error.field[len(f"items.{link_id}."):].split(".")[0]
            column = COLUMN_OF.get(attribute, "type")
            errors.append(FieldError(f"survey row {self.rows[link_id]}.{column}", error.rule, error.message))
        return InvalidInput(f"The workbook breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)


# --- writing -------------------------------------------------------------------------------------------------

def _guarded(value: Any) -> Any:
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, FORMULA_GUARD)):
        return FORMULA_GUARD + value  # shown as text by Excel; read back without the guard
    return value


def _value(answer: Any) -> str:
    if isinstance(answer, bool):
        return "true()" if answer else "false()"
    if isinstance(answer, int | float):
        return str(answer)
    return "'" + str(answer) + "'"


def relevant_text(item: Item) -> str:
    clauses = []
    for c in item.enable_when:
        if c.operator is Operator.EXISTS:
            clauses.append(f"${{{c.question}}} {'!=' if c.answer else '='} ''")
        else:
            clauses.append(f"${{{c.question}}} {c.operator.value} {_value(c.answer)}")
    return (" or " if item.enable_behavior == "any" else " and ").join(clauses)


def constraint_text(item: Item) -> str:
    subject = "." if item.type in (ItemType.SCALE, ItemType.INTEGER, ItemType.DECIMAL) else (
        "count-selected(.)" if item.type in CHOICE_TYPES else "string-length(.)")
    low, high = (item.min_value, item.max_value) if subject == "." else (item.min_length, item.max_length)
    return " and ".join(f"{subject} {op} {bound}" for op, bound in ((">=", low), ("<=", high)) if bound is not None)


def list_name(item: Item, code_lists: set[str]) -> str:
    if item.code_list:
        return item.code_list
    return item.link_id + ("-alternativ" if item.link_id in code_lists else "")


def write_workbook(questionnaire_id: str, version: int, content: QuestionnaireContent, code_lists: set[str]) -> bytes:
    survey: list[list[Any]] = []
    choices: list[list[Any]] = []
    written: set[str] = set()

    def walk(items: list[Item]) -> None:
        for item in items:
            required = "yes" if item.required else "no"
            if item.type is ItemType.GROUP:
                survey.append(["begin group", item.link_id, item.text, required, relevant_text(item), "",
                               item.category or ""])
                walk(item.items)
                survey.append(["end group", "", "", "", "", "", ""])
                continue
            kind = TYPE_NAMES[item.type]
            if item.type in CHOICE_TYPES:
                name = list_name(item, code_lists)
                kind = f"{kind} {name}"
                if name not in written:
                    written.add(name)
                    choices.extend([name, o.code, o.display] for o in item.options)
            survey.append([kind, item.link_id, item.text, required, relevant_text(item), constraint_text(item),
                           item.category or ""])

    walk(content.items)
    workbook = Workbook(write_only=True)
    for title, header, rows in (("survey", SURVEY_COLUMNS, survey), ("choices", CHOICES_COLUMNS, choices),
                                ("settings", SETTINGS_COLUMNS,
                                 [[content.title, questionnaire_id, version, content.description]])):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([_guarded(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading -------------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows a boolean cell; yes and no to `required`
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith(FORMULA_GUARD) and text[1:].startswith((*FORMULA_STARTS, FORMULA_GUARD)):
        return text[1:]
    return text


class _Sheets:
    """The workbook's sheets as {column: text} rows with their row numbers, collecting errors as it reads."""

    def __init__(self, body: bytes, limits: WorkbookLimits) -> None:
        self.errors: list[FieldError] = []
        self.limits = limits
        self.sheets = open_workbook(body, limits)

    def error(self, where: str, rule: str, message: str) -> None:
        self.errors.append(FieldError(where, rule, message))

    def rows(self, name: str, columns: list[str], required: list[str]) -> list[tuple[int, dict[str, str]]]:
        sheet = self.sheets.get(name)
        if sheet is None:
            if required:
                self.error(name, "sheet_present", f"The workbook has no sheet named '{name}'.")
            return []
        found: list[tuple[int, dict[str, str]]] = []
        header: list[str] = []
        for number, values in sheet_values(name, sheet, self.limits):
            cells = [_text(v) for v in values]
            if number == 1:
                header = [c.lower() for c in cells]
                for column in required:
                    if column not in header:
                        self.error(f"{name} row 1.{column}", "column_present",
                                   f"The {name} sheet has no column '{column}' in its first row.")
                continue
            if number > self.limits.rows + 1:
                self.error(f"{name} row {number}", "rows_limit", f"A sheet holds at most {self.limits.rows} rows.")
                break
            row = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column in columns}
            if any(row.values()):
                found.append((number, row))
        return found


def _condition(text: str) -> Condition | None:
    if match := SELECTED.match(text):
        return Condition(question=match[1], operator=Operator.EQUALS, answer=match[2])
    match = CONDITION.match(text)
    if match is None:
        return None
    question, operator, raw = match[1], match[2], match[3].strip()
    if raw == "''" and operator in ("=", "!="):
        return Condition(question=question, operator=Operator.EXISTS, answer=operator == "!=")
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        answer: Any = raw[1:-1]
    elif raw in ("true()", "false()"):
        answer = raw == "true()"
    elif re.fullmatch(r"-?\d+", raw):
        answer = int(raw)
    elif re.fullmatch(r"-?\d+\.\d+", raw):
        answer = float(raw)
    else:
        return None
    return Condition(question=question, operator=Operator(operator), answer=answer)


def _relevant(text: str) -> tuple[list[dict[str, Any]], str] | None:
    if not text:
        return [], "all"
    joined_by_and, joined_by_or = " and " in text, " or " in text
    if joined_by_and and joined_by_or:
        return None
    behaviour = "any" if joined_by_or else "all"
    conditions = [_condition(part.strip()) for part in text.split(" or " if joined_by_or else " and ")]
    if any(c is None for c in conditions):
        return None
    return [c.model_dump(mode="json") for c in conditions if c is not None], behaviour


def _constraint(text: str) -> dict[str, Any] | None:
    bounds: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(" and "))) if text else []:
        match = BOUND.match(part)
        if match is None:
            return None
        number = match[1] == "."
        side = ("min" if match[2] == ">=" else "max") + ("_value" if number else "_length")
        if not number and "." in match[3]:
            return None
        bounds[side] = Decimal(match[3]) if number else int(match[3])
    return bounds


def _choice_lists(rows: list[tuple[int, dict[str, str]]], sheets: _Sheets) -> dict[str, list[dict[str, str]]]:
    """The choices sheet: every row an option of the list it names."""
    lists: dict[str, list[dict[str, str]]] = {}
    for number, row in rows:
        if not row.get("list_name"):
            sheets.error(f"choices row {number}.list_name", "list_name_present", "Every choice names its list.")
            continue
        try:
            option = Option(code=row.get("name", ""), display=row.get("label", ""))
        except ValidationError as invalid:
            for error in invalid.errors():
                column = "name" if error["loc"][0] == "code" else "label"
                sheets.error(f"choices row {number}.{column}", error["type"], f"A choice's {column}: {error['msg']}")
            continue
        lists.setdefault(row["list_name"], []).append(option.model_dump())
    return lists


def _typed(item: dict[str, Any], kind: str, rest: list[str], where: str, lists: dict[str, list[dict[str, str]]],
           code_lists: set[str], sheets: _Sheets) -> bool:
    """The type column: the item's type, and a choice's options from its list (or its shipped code list)."""
    if kind == "begin" and rest == ["group"]:
        item["type"] = ItemType.GROUP.value
    elif kind in LIST_TYPES and len(rest) == 1:
        item["type"] = LIST_TYPES[kind].value
        options = lists.get(rest[0])
        if rest[0] in code_lists:
            item["code_list"] = rest[0]
        elif options is None:
            sheets.error(f"{where}.type", "known_choice_list", f"There is no list '{rest[0]}' in the choices "
                         "sheet and no shipped code list by that name.")
        item["options"] = options or []
    elif kind in PLAIN_TYPES and not rest:
        item["type"] = PLAIN_TYPES[kind].value
    else:
        return False
    return True


def _qualified(item: dict[str, Any], row: dict[str, str], where: str, sheets: _Sheets) -> None:
    """The required, relevant, constraint and category columns onto the item."""
    required = row.get("required", "").lower()
    if required not in YES | NO:
        sheets.error(f"{where}.required", "yes_or_no", f"required is yes or no, not '{row['required']}'.")
    item["required"] = required in YES
    relevant = _relevant(row.get("relevant", ""))
    if relevant is None:
        sheets.error(f"{where}.relevant", "condition_syntax", "A condition reads ${linkId} = 'code', "
                     "${linkId} >= 3, selected(${linkId}, 'code') or ${linkId} != '', joined by ' and' or "
                     "' or' (not both).")
    else:
        item["enable_when"], item["enable_behavior"] = relevant
    bounds = _constraint(row.get("constraint", ""))
    if bounds is None:
        sheets.error(f"{where}.constraint", "constraint_syntax", "A constraint reads '. >= 1 and . <= 5', "
                     "'string-length(.) <= 4000' or 'count-selected(.) <= 3'.")
    else:
        item.update(bounds)
    if row.get("category"):
        item["category"] = row["category"]


def _survey_items(survey: list[tuple[int, dict[str, str]]], lists: dict[str, list[dict[str, str]]],
                  code_lists: set[str], sheets: _Sheets) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The survey sheet: one item a row, nested between `begin group` and `end group`; and each linkId's row."""
    rows: dict[str, int] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(0, {"items": []})]
    for number, row in survey:
        where = f"survey row {number}"
        kind, *rest = row.get("type", "").split() or [""]
        kind = kind.lower()
        if kind == "end" and rest == ["group"]:
            if len(stack) == 1:
                sheets.error(f"{where}.type", "group_open", "'end group' without a 'begin group' before it.")
            else:
                stack.pop()
            continue
        item: dict[str, Any] = {"link_id": row.get("name", ""), "text": row.get("label", "")}
        if not _typed(item, kind, rest, where, lists, code_lists, sheets):
            sheets.error(f"{where}.type", "known_type", f"'{row.get('type', '')}' is not a type: use begin group, "
                         "end group, select_one L, select_multiple L, rank L, range, integer, decimal, text or date.")
            continue
        _qualified(item, row, where, sheets)
        item["items"] = []
        stack[-1][1]["items"].append(item)
        rows.setdefault(item["link_id"], number)
        if item["type"] == ItemType.GROUP.value:
            stack.append((number, item))
    for number, _open in stack[1:]:
        sheets.error(f"survey row {number}.type", "group_closed", "This group has no 'end group' after it.")
    return stack[0][1]["items"], rows


def _title(settings: list[tuple[int, dict[str, str]]], sheets: _Sheets) -> tuple[str, str]:
    """The settings sheet's first row: the questionnaire's title and description."""
    title = description = ""
    if settings:
        title, description = settings[0][1].get("form_title", ""), settings[0][1].get("description", "")
    if not title:
        sheets.error("settings row 2.form_title", "form_title_present", "The settings sheet names the "
                                                                        "questionnaire's title in form_title.")
    return title, description


def read_workbook(body: bytes, code_lists: set[str], limits: WorkbookLimits = WorkbookLimits()) -> ReadWorkbook:
    """The questionnaire a workbook describes; 422 naming each broken row as `<sheet> row <n>.<column>`, 413 for a
    file that unpacks past `limits`. Parses in the calling process: a service reads uploads through
    `read_workbook_isolated`."""
    sheets = _Sheets(body, limits)
    survey = sheets.rows("survey", SURVEY_COLUMNS, ["type", "name", "label"])
    choices = sheets.rows("choices", CHOICES_COLUMNS,
                          ["list_name", "name", "label"] if "choices" in sheets.sheets else [])
    settings = sheets.rows("settings", SETTINGS_COLUMNS, [])
    items, rows = _survey_items(survey, _choice_lists(choices, sheets), code_lists, sheets)
    if not survey and "survey" in sheets.sheets:
        sheets.error("survey row 2", "items_present", "The survey sheet holds no questions.")
    title, description = _title(settings, sheets)
    if sheets.errors:
        raise InvalidInput(f"The workbook breaks {len(sheets.errors)} rule(s): {sheets.errors[0].message}",
                           errors=sheets.errors)
    return ReadWorkbook(content=_validated(title, description, items, rows), rows=rows)


@dataclass(frozen=True)
class WorkbookReading:
    """The bounds of reading an upload: the file's (what it unpacks to, rows, columns) and the reading process's."""

    file: WorkbookLimits = field(default_factory=WorkbookLimits)
    process: Limits = field(default_factory=lambda: Limits(memory_bytes=512 * MIB, seconds=8.0))


async def read_workbook_isolated(body: bytes, code_lists: set[str], reading: WorkbookReading) -> ReadWorkbook:
    """`read_workbook` in a child process within the memory and time of `reading.process`, so that however the
    file is built the service keeps answering its other callers; past either limit the workbook is 413."""
    process = reading.process
    try:
        return await run_isolated(read_workbook, body, code_lists, reading.file, limits=process)
    except LimitExceeded as exceeded:
        if exceeded.kind == "memory":
            message = (f"The workbook needs more than {process.memory_bytes // MIB} MiB of memory to read; "
                       "split it or remove what the questionnaire does not need.")
        else:
            message = (f"The workbook takes more than {process.seconds:g} s to read; split it or remove what the "
                       "questionnaire does not need.")
        raise BodyTooLarge(message, errors=[FieldError("body", f"read_{exceeded.kind}", message)]) from None


def _validated(title: str, description: str, items: list[dict[str, Any]], rows: dict[str, int]) -> QuestionnaireContent:
    errors: list[FieldError] = []
    for raw in _walk(items):
        try:
            Item.model_validate({**raw, "items": []})
        except ValidationError as invalid:
            for error in invalid.errors():
                attribute = str(error["loc"][0]) if error["loc"] else "type"
                column = COLUMN_OF.get(attribute, "type")
                errors.append(FieldError(f"survey row {rows.get(raw['link_id'], 0)}.{column}", error["type"],
                                         f"{raw['link_id'] or 'An item'}: {error['msg']}"))
    try:
        content = QuestionnaireContent.model_validate({"title": title, "description": description, "items": items})
    except ValidationError as invalid:
        if not errors:
            errors = [FieldError(f"settings row 2.{'form_title' if e['loc'][0] == 'title' else e['loc'][0]}",
                                 e["type"], str(e["msg"])) for e in invalid.errors() if e["loc"][0] != "items"]
            errors = errors or [FieldError("survey", "items", str(invalid.errors()[0]["msg"]))]
        raise InvalidInput(f"The workbook breaks {len(errors)} rule(s): {errors[0].message}",
                           errors=errors) from None
    if errors:
        raise InvalidInput(f"The workbook breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return content


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found.append(item)
        found.extend(_walk(item["items"]))
    return found


# The fork server that starts the reading children imports this module (openpyxl, pydantic, the schemas) once.
preload(__name__)
