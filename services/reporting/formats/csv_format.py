"""A report's table as a CSV file: UTF-8 with a BOM, `,` between cells and RFC 4180 quoting, CRLF line ends, the
column titles as the header row, each value written by `numbers.for_csv` (kronor as `1225535.00`, ja/nej)."""

from __future__ import annotations

import csv
import io
from typing import Any

from services.reporting.formats.document import table_named
from services.reporting.formats.numbers import for_csv
from shared.spreadsheet_export import BOM, guard_formula

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def csv_table(document: dict[str, Any], table: str) -> bytes:
    """The table named `table` as CSV bytes; `UnknownTable` (a LookupError) when the document has none."""
    found = table_named(document, table)
    columns = found["columns"]
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([guard_formula(column["title"]) for column in columns])
    for row in found["rows"]:
        writer.writerow([for_csv(row.get(column["name"]), column["type"]) for column in columns])
    return out.getvalue().encode("utf-8")
