"""The annual report as an Excel workbook: "Sammanfattning" first (the report's date and version, remarks, key
figures, the tables and the sources), then one sheet per table.

Each table's sheet has its column titles as a bold, frozen header row with an autofilter, and typed cells: money
as a number of kronor (from the öre exactly, with `Decimal`) shown as `1 225 535,00 kr` by the reader's Excel,
integers and percents as numbers, dates as dates, booleans as ja/nej, null as an empty cell, text as text (never
run as a formula).

The money format is stored as Excel stores every number format, with `,` for the thousands and `.` for the
decimals (`#,##0.00 "kr"`); Excel shows them with the reader's own separators, in Swedish `# ##0,00 "kr"`. A
literal space in the stored code would not group thousands.

A sheet's name is the table's title made valid for Excel: `[` `]` become `(` `)`, `:` `/` `\\` become `-`,
`*` and `?` are dropped, no quote at either end, at most 31 characters (as Excel counts them, UTF-16 units), and
unique without regard to case (a clash gets ` (2)`, ` (3)`, …). Å, ä and ö stay.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.reporting.formats.numbers import (
    NO,
    YES,
    as_date,
    for_people,
    kronor,
    moment_for_people,
    percent_number,
)
from shared.spreadsheet_export import XLSX_MEDIA_TYPE

__all__ = ["XLSX_MEDIA_TYPE", "sheet_names", "workbook"]

SUMMARY_SHEET: Final = "Sammanfattning"
MAX_SHEET_NAME: Final = 31
MONEY_FORMAT: Final = '#,##0.00 "kr"'
INTEGER_FORMAT: Final = "#,##0"
DECIMAL_FORMAT: Final = "#,##0.00"
PERCENT_FORMAT: Final = '0.0" %"'
DATE_FORMAT: Final = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60
# Names Excel keeps for itself: a sheet may not take them.
_RESERVED: Final = frozenset({"history"})
_REPLACED: Final = str.maketrans({"[": "(", "]": ")", ":": "-", "/": "-", "\\": "-", "*": None, "?": None})
_SPACES = re.compile(r"\s+")


def workbook(document: dict[str, Any]) -> bytes:
    """The report as XLSX bytes."""
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    names = sheet_names([table["title"] for table in document["tables"]], fallbacks=[
        table["name"] for table in document["tables"]], taken=[SUMMARY_SHEET])
    _summary(summary, document, names)
    for table, name in zip(document["tables"], names, strict=True):
        _table_sheet(book.create_sheet(name), table)
    book.properties.title = f"Årsrapport {document['year']}"
    book.properties.creator = "RSS-plattformen"
    book.properties.created = _utc_naive(document["generated_at"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_names(titles: Sequence[str], *, fallbacks: Sequence[str] | None = None,
                taken: Iterable[str] = ()) -> list[str]:
    """A valid, unique sheet name for each title, in order; `fallbacks[i]` (then "Tabell") names a title that has
    nothing left once made valid; `taken` are names already in the workbook."""
    used = {name.casefold() for name in taken} | _RESERVED
    names: list[str] = []
    for index, title in enumerate(titles):
        base = _valid(title)
        if not base and fallbacks is not None:
            base = _valid(fallbacks[index])
        base = base or "Tabell"
        name = _cut(base, MAX_SHEET_NAME)
        number = 2
        while name.casefold() in used:
            suffix = f" ({number})"
            name = _cut(base, MAX_SHEET_NAME - len(suffix)) + suffix
            number += 1
        used.add(name.casefold())
        names.append(name)
    return names


def _valid(title: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", title.translate(_REPLACED))
    return _SPACES.sub(" ", text).strip().strip("'").strip()


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units (Excel's count), never half a character; no space or quote at the end."""
    out, length = [], 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if length + size > limit:
            break
        out.append(char)
        length += size
    return "".join(out).rstrip().rstrip("'").rstrip()


def _summary(sheet: Worksheet, document: dict[str, Any], names: Sequence[str]) -> None:
    bold = Font(bold=True)
    sheet.append([f"Årsrapport {document['year']}"])
    sheet["A1"].font = Font(bold=True, size=14)
    rows: list[list[object]] = [
        ["Per datum", as_date(document["as_of"])],
        ["Version", document["version"]],
        ["Skapad", moment_for_people(document["generated_at"])],
        ["Kontrollsumma", document["content_hash"]],
    ]
    for row in rows:
        sheet.append([_text_cell(sheet, row[0], bold), _cell(sheet, row[1])])
    sheet["B2"].number_format = DATE_FORMAT
    for number, note in enumerate(document["notes"]):
        sheet.append([_text_cell(sheet, "Anmärkning" if number == 0 else "", bold), _text_cell(sheet, note)])

    _section(sheet, "Nyckeltal", ["Nyckeltal", "Värde", "Av", "Beskrivning", "Källa"])
    for figure in document["figures"]:
        value_format = INTEGER_FORMAT if isinstance(figure["value"], int) else DECIMAL_FORMAT
        sheet.append([_text_cell(sheet, figure["label"]), _number_cell(sheet, figure["value"], value_format),
                      _number_cell(sheet, figure.get("of"), INTEGER_FORMAT), _text_cell(sheet, figure["text"]),
                      _text_cell(sheet, figure["source"])])
    if not document["figures"]:
        sheet.append(["Inga nyckeltal"])

    _section(sheet, "Tabeller", ["Blad", "Tabell", "Rader", "Källa"])
    for table, name in zip(document["tables"], names, strict=True):
        sheet.append([_text_cell(sheet, name), _text_cell(sheet, table["title"]),
                      _number_cell(sheet, len(table["rows"]), INTEGER_FORMAT), _text_cell(sheet, table["source"])])

    _section(sheet, "Källor", ["Källa", "Tjänst", "Adress", "Per datum"])
    for source in document["sources"]:
        sheet.append([_text_cell(sheet, source["id"]), _text_cell(sheet, source["service"]),
                      _text_cell(sheet, source["endpoint"]), _date_cell(sheet, source["as_of"])])
    sheet.freeze_panes = "A2"
    widths = {"A": 22, "B": 24, "C": 12, "D": 60, "E": 22}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column_letter == "D")


def _section(sheet: Worksheet, title: str, headers: Sequence[str]) -> None:
    sheet.append([])
    sheet.append([_text_cell(sheet, title, Font(bold=True, size=12))])
    sheet.append([_text_cell(sheet, header, Font(bold=True)) for header in headers])


def _table_sheet(sheet: Worksheet, table: dict[str, Any]) -> None:
    columns = table["columns"]
    sheet.append([_text_cell(sheet, column["title"], Font(bold=True)) for column in columns])
    for row in table["rows"]:
        sheet.append([_typed_cell(sheet, row.get(column["name"]), column["type"]) for column in columns])
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(table['rows']) + 1}"
    for index, column in enumerate(columns, start=1):
        shown = [len(for_people(row.get(column["name"]), column["type"])) for row in table["rows"]]
        widest = max([len(column["title"]) + 3, *shown])  # + room for the autofilter's button
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)


def _typed_cell(sheet: Worksheet, value: object, column_type: str) -> Cell | None:
    if value is None:
        return None
    if column_type == "money":
        return _number_cell(sheet, kronor(value), MONEY_FORMAT)  # type: ignore[arg-type]
    if column_type == "integer":
        return _number_cell(sheet, value, INTEGER_FORMAT)
    if column_type == "percent":
        return _number_cell(sheet, percent_number(value), PERCENT_FORMAT)  # type: ignore[arg-type]
    if column_type == "date":
        return _date_cell(sheet, value)  # type: ignore[arg-type]
    if column_type == "boolean":
        return _text_cell(sheet, YES if value else NO)
    return _text_cell(sheet, str(value))


def _cell(sheet: Worksheet, value: object) -> Cell:
    if isinstance(value, str):
        return _text_cell(sheet, value)
    cell = Cell(sheet)
    cell.value = value
    return cell


def _text_cell(sheet: Worksheet, text: str, font: Font | None = None) -> Cell:
    """A text cell: stored as text even when it starts with `=` (openpyxl would store a formula)."""
    cell = Cell(sheet)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _number_cell(sheet: Worksheet, value: object, number_format: str) -> Cell | None:
    if value is None:
        return None
    cell = Cell(sheet)
    cell.value = value
    cell.number_format = number_format
    return cell


def _date_cell(sheet: Worksheet, value: str) -> Cell:
    cell = Cell(sheet)
    cell.value = as_date(value)
    cell.number_format = DATE_FORMAT
    return cell


def _utc_naive(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed
