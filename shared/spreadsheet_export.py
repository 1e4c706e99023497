"""Tables as files that Excel opens as they are, for every service: CSV and XLSX.

CSV: UTF-8 with a BOM (without it Excel reads å, ä and ö as cp1252), `;` between cells by default, CRLF line ends.
Swedish Excel opens a `;` file with a double click and reads numbers by the Swedish locale, so an amount's
decimal separator is a comma there ("1225535,00"; with a point, "1225,50" would be text and "1.5" a date). A
`,` file is for other tools (RFC 4180) and takes a decimal point. None becomes an empty cell, dates ISO 8601.

XLSX: amounts (Decimal) are numbers shown with two decimals, dates are dates, text stays text.

Excel runs a CSV cell starting with = + - @ (or tab, CR) as a formula: such a text is written with a leading
single quote (`guard_formula`), and `unguard_formula` takes it off again when a file is read back. Numbers are
never guarded (-774465,00 is a number, not a formula). In XLSX a text is stored as a text cell, so it is never
run and keeps its exact content.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
DELIMITERS = {"semicolon": ";", "comma": ","}
# The decimal separator that goes with a delimiter: Swedish Excel reads `;` files with its own, the comma.
DECIMAL_SEPARATORS = {";": ",", ",": "."}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

Table = tuple[Sequence[str], Iterable[Sequence[object]]]


def _starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read the cell as a formula, or it already is one guarded by a quote."""
    return text.startswith(FORMULA_STARTS) or (text.startswith(FORMULA_GUARD) and _starts_formula(text[1:]))


def guard_formula(text: str) -> str:
    """The cell as written to a file: a formula-like text gets a leading quote, so Excel shows it as text."""
    return FORMULA_GUARD + text if _starts_formula(text) else text


def unguard_formula(text: str) -> str:
    """The cell as read from a file: the quote `guard_formula` added comes off; any other quote stays."""
    return text[1:] if text.startswith(FORMULA_GUARD) and _starts_formula(text[1:]) else text


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ";",
              decimal_separator: str | None = None) -> bytes:
    """UTF-8 with a BOM; a Decimal is written with `decimal_separator` (default: the one `delimiter` goes with)
    and never guarded; a text that starts like a formula starts with a quote."""
    separator = decimal_separator or DECIMAL_SEPARATORS.get(delimiter, ".")
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(value, separator) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _csv_cell(value: object, decimal_separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_separator)
    return guard_formula(value) if isinstance(value, str) else str(value)


def write_xlsx(sheets: Mapping[str, Table]) -> bytes:
    """One worksheet per table, header first and frozen; each Decimal a number shown with two decimals."""
    workbook = Workbook(write_only=True)
    for title, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, name) for name in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: object, value: object) -> object:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # a text starting with "=" stays text: openpyxl would store it as a formula
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, date) and not isinstance(value, datetime):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
    return cell
