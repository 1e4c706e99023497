"""Reading and writing the CSV files county systems exchange: UTF-8 (BOM or not), `;` or `,`, header first.

Reading knows nothing about the register: it checks the body's encoding, the length of its lines and its header
(its size is the service's body limit for imports, see shared/middleware.py), and hands out the data rows as
dicts keyed by column, with spreadsheet row numbers (the header is row 1, the first data row row 2).

Exports are opened in Excel, which runs a cell starting with = + - @ (or tab, CR) as a formula: writing prefixes
such a cell with a single quote, and reading takes that quote off again, so an exported file re-imports as it was.
Writing, and the formula guard both ways, are the platform's (shared/spreadsheet_export.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fastapi import Request

from shared.problems import FieldError, InvalidInput
from shared.spreadsheet_export import DELIMITERS as DELIMITERS
from shared.spreadsheet_export import FORMULA_GUARD, unguard_formula
from shared.spreadsheet_export import write_csv as write_csv
from shared.uploads import uploaded_file

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})
# A line of the register's CSV is a record of a dozen short cells; a longer one would only cost the reading (a line
# of 5 MB of delimiters is millions of empty cells).
MAX_LINE_CHARACTERS = 64 * 1024
_LONG_LINE = re.compile(f"(?m)^[^\n]{{{MAX_LINE_CHARACTERS + 1}}}")  # tried at each line's start only


@dataclass(frozen=True)
class CsvRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str | None]  # column -> stripped value; empty cells are None
    extra_cells: bool = False  # more cells than the header has columns, some of them filled


async def read_csv_body(request: Request) -> bytes:
    """The CSV file (text/csv, or no Content-Type at all), or the form part `file` of a multipart upload."""
    return await uploaded_file(request, what="the CSV file", media_types=CSV_MEDIA_TYPES, named_type="text/csv",
                               untyped_body=True)


def decode(raw: bytes) -> str:
    advice = "in Excel choose 'Save as' > 'CSV UTF-8 (comma delimited)'"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInput.field("body", "encoding", f"The file is not UTF-8 (first bad byte on line {line}); "
                                                     f"{advice}.") from None
    if "\x00" in text:  # UTF-16 ("Unicode text") files, or binary ones; no database stores a NUL in text
        line = text[:text.index("\x00")].count("\n") + 1
        raise InvalidInput.field("body", "encoding", f"The file holds a NUL character (line {line}): it is not "
                                                     f"UTF-8 text; {advice}.")
    if (long_line := _LONG_LINE.search(text)) is not None:
        line = text[:long_line.start()].count("\n") + 1
        raise InvalidInput.field("body", "line_length", f"Line {line} of the file is longer than "
                                                        f"{MAX_LINE_CHARACTERS:,} characters; a line is one record.")
    return text


def detect_delimiter(header_line: str) -> str:
    """Swedish Excel writes `;`, most other tools `,`: whichever the header line has more of."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse_csv(raw: bytes, *, columns: Sequence[str], required: Iterable[str],
              ignored: Iterable[str] = ()) -> list[CsvRow]:
    """Data rows of a CSV whose header names only `columns` (or `ignored`, read-only export columns)."""
    text = decode(raw)
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise InvalidInput.field("body", "missing_header",
                                 "The file is empty or does not start with a header line naming its columns: "
                                 + ", ".join(columns) + ".")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(header_line))
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header, columns, set(required), set(ignored))
        rows = []
        kept = [(i, name) for i, name in enumerate(header) if name in columns]
        width = len(header)
        for number, record in enumerate(reader, start=2):
            # Only a cell starting with the quote can be a guarded formula: the others skip the call.
            values = [unguard_formula(cell) if cell[:1] == FORMULA_GUARD else cell for cell in map(str.strip, record)]
            if not any(values):
                continue  # blank lines, and the ";;;;" lines spreadsheets leave at the end
            if len(values) < width:
                values += [""] * (width - len(values))
            cells = {name: values[i] or None for i, name in kept}
            rows.append(CsvRow(number=number, cells=cells, extra_cells=any(values[width:])))
    except csv.Error as exc:  # a NUL byte, a cell past the size limit
        raise InvalidInput.field("body", "csv_format", f"The file cannot be read as CSV on line "
                                                       f"{reader.line_num}: {exc}.") from None
    return rows


def _check_header(header: list[str], columns: Sequence[str], required: set[str], ignored: set[str]) -> None:
    errors = []
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(FieldError(f"header.column {position}", "blank_column",
                                     f"Column {position} of the header has no name."))
        elif name not in columns and name not in ignored:
            errors.append(FieldError(f"header.{name}", "unknown_column",
                                     f"Unknown column '{name}'; the columns are: {', '.join(columns)}."))
        elif header.index(name) != position - 1:
            errors.append(FieldError(f"header.{name}", "duplicate_column", f"Column '{name}' appears twice."))
    for name in columns:
        if name in required and name not in header:
            errors.append(FieldError(f"header.{name}", "missing_column", f"The header lacks the column '{name}'."))
    if errors:
        raise InvalidInput("The header line does not fit. " + " ".join(e.message for e in errors), errors=errors)
