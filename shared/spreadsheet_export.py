"""Tables as files that Excel opens as they are, for every service: CSV and XLSX, by one set of rules.

A table is its columns and its rows. A column is an id (`"county_code"`) or a `Column` with a label for people
(`Column("county_code", "Länskod")`, a questionnaire item's text): a table with labels has two header rows, the
labels first and the ids under them, in CSV and in XLSX alike (the ids are what a program reads; they are the
API's names). Cells are typed, and each type is written the same way by every service:

| value | CSV `;` (default) | CSV `,` (`?delimiter=comma`) | XLSX |
|---|---|---|---|
| Decimal (amounts, means) | `1225535,00` | `1225535.00` | a number shown with two decimals |
| float (shares) | `0,3333` | `0.3333` | a number |
| int | `42` | `42` | a number |
| bool | `ja` / `nej` | `true` / `false` | TRUE / FALSE (a boolean cell) |
| date | `2024-03-31` | `2024-03-31` | a date shown as yyyy-mm-dd |
| datetime | ISO 8601 with its offset | the same | the same, as text (Excel has no time zones) |
| None | empty | empty | empty |
| text | text, a formula-like one guarded | the same | a text cell |

CSV: UTF-8 with a BOM (without it Excel reads å, ä and ö as cp1252), `;` between cells by default, CRLF line ends.
Swedish Excel opens a `;` file with a double click and reads numbers by the Swedish locale, so a number's decimal
separator is a comma there ("1225535,00"; with a point, "1225,50" would be text and "1.5" a date), and a boolean
is the Swedish word (Swedish Excel reads "true" as text). A `,` file is for other tools (RFC 4180) and takes a
decimal point and true/false.

XLSX: the header rows are bold and frozen, every column is as wide as its widest cell (up to a limit), and an
autofilter sits on the last header row over every row.

Excel runs a CSV cell starting with = + - @ (or tab, CR) as a formula: such a text is written with a leading
single quote (`guard_formula`), and `unguard_formula` takes it off again when a file is read back. Numbers are
never guarded (-774465,00 is a number, not a formula). In XLSX a text is stored as a text cell, so it is never
run and keeps its exact content.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
DELIMITERS = {"semicolon": ";", "comma": ","}
# The decimal separator that goes with a delimiter: Swedish Excel reads `;` files with its own, the comma.
DECIMAL_SEPARATORS = {";": ",", ",": "."}
# A boolean's words that go with a delimiter: Swedish Excel's reader of a `;` file, other tools' of a `,` file.
BOOLEAN_WORDS = {";": ("ja", "nej"), ",": ("true", "false")}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 6, 60  # an XLSX column's width in characters


@dataclass(frozen=True)
class Column:
    """A column: its id (the API's name, what a program reads) and its label (what people read)."""

    id: str
    label: str | None = None


Table = tuple[Sequence["str | Column"], Iterable[Sequence[object]]]


def header_rows(columns: Sequence[str | Column]) -> list[list[str]]:
    """One header row of ids; two (the labels, then the ids) when a column has a label."""
    ids = [c.id if isinstance(c, Column) else c for c in columns]
    if not any(isinstance(c, Column) and c.label for c in columns):
        return [ids]
    return [[(c.label or c.id) if isinstance(c, Column) else c for c in columns], ids]


def _starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read the cell as a formula, or it already is one guarded by a quote."""
    return text.startswith(FORMULA_STARTS) or (text.startswith(FORMULA_GUARD) and _starts_formula(text[1:]))


def guard_formula(text: str) -> str:
    """The cell as written to a file: a formula-like text gets a leading quote, so Excel shows it as text."""
    return FORMULA_GUARD + text if _starts_formula(text) else text


def unguard_formula(text: str) -> str:
    """The cell as read from a file: the quote `guard_formula` added comes off; any other quote stays."""
    return text[1:] if text.startswith(FORMULA_GUARD) and _starts_formula(text[1:]) else text


def write_csv(columns: Sequence[str | Column], rows: Iterable[Sequence[object]], *, delimiter: str = ";",
              decimal_separator: str | None = None) -> bytes:
    """UTF-8 with a BOM, the header row(s) first; a number is written with `decimal_separator` (default: the one
    `delimiter` goes with) and never guarded, a boolean as the delimiter's words; a text that starts like a
    formula starts with a quote."""
    separator = decimal_separator or DECIMAL_SEPARATORS.get(delimiter, ".")
    words = BOOLEAN_WORDS.get(delimiter, BOOLEAN_WORDS[","])
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([guard_formula(name) for name in header] for header in header_rows(columns))
    writer.writerows([_csv_cell(value, separator, words) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _csv_cell(value: object, decimal_separator: str, words: tuple[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return words[0] if value else words[1]
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_separator)
    if isinstance(value, float):
        return repr(value).replace(".", decimal_separator)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return guard_formula(value) if isinstance(value, str) else str(value)


def write_xlsx(sheets: Mapping[str, Table]) -> bytes:
    """One worksheet per table: the header row(s) bold and frozen, an autofilter on the last one, each column as
    wide as its widest cell; cells typed as the module says."""
    workbook = Workbook(write_only=True)
    for title, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
        headers = header_rows(columns)
        body = [list(row) for row in rows]
        width = len(headers[0])
        for index in range(width):
            widest = max((len(_shown(row[index])) for row in [*headers, *body] if index < len(row)), default=0)
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.freeze_panes = f"A{len(headers) + 1}"
        if width:
            sheet.auto_filter.ref = f"A{len(headers)}:{get_column_letter(width)}{len(headers) + len(body)}"
        for header in headers:
            sheet.append([_header_cell(sheet, name) for name in header])
        for row in body:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _header_cell(sheet: object, name: str) -> object:
    cell = _xlsx_cell(sheet, name)
    cell.font = Font(bold=True)  # type: ignore[union-attr]
    return cell


def _xlsx_cell(sheet: object, value: object) -> object:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # a text starting with "=" stays text: openpyxl would store it as a formula
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):  # Excel keeps no offset: ISO 8601 text with it, as the API gives it
        cell.value = value.isoformat()
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
    return cell
