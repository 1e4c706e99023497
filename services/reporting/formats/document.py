"""The annual report's document (`annual-report/v1`): its published JSON Schema and the full check of a document.

The schema (annual-report-v1.json, draft 2020-12) holds the shape: required keys, types, patterns, the column
types. What JSON Schema cannot say generically, that a row's values are typed by their table's columns, is checked
here, together with the references between the parts (a figure's or table's source names a listed source) and the
calendar (a date that matches the pattern but names no day). `check_document` runs both and raises a ValueError
naming the place: `table "money", row 2, column "allocated": ...` (rows counted from 1).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

SCHEMA_FILE: Final = Path(__file__).resolve().parent / "annual-report-v1.json"
ANNUAL_REPORT_SCHEMA: Final[dict[str, Any]] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
_VALIDATOR = Draft202012Validator(ANNUAL_REPORT_SCHEMA, format_checker=FormatChecker())


class UnknownTable(LookupError):
    """The document has no table of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the report has no table named {name!r}")
        self.name = name


def table_named(document: dict[str, Any], name: str) -> dict[str, Any]:
    for table in document["tables"]:
        if table["name"] == name:
            return table  # type: ignore[no-any-return]
    raise UnknownTable(name)


def check_document(document: dict[str, Any]) -> None:
    """Raises ValueError naming the first broken rule; returns None for a valid document."""
    errors = list(_VALIDATOR.iter_errors(document))
    if errors:
        error = best_match(errors)
        raise ValueError(f"{_place(document, error)}: {error.message}")
    _check_calendar(document)
    source_ids = _unique((source["id"] for source in document["sources"]), "source id")
    _unique((figure["key"] for figure in document["figures"]), "figure key")
    for figure in document["figures"]:
        if figure["source"] not in source_ids:
            raise ValueError(f'figure "{figure["key"]}": source {figure["source"]!r} is not among the sources')
    _unique((table["name"] for table in document["tables"]), "table name")
    for table in document["tables"]:
        _check_table(table, source_ids)


def _check_calendar(document: dict[str, Any]) -> None:
    _date(document["as_of"], "as_of")
    try:
        datetime.fromisoformat(document["generated_at"])
    except ValueError:
        raise ValueError(f"generated_at: {document['generated_at']!r} is not a date and time") from None
    for index, source in enumerate(document["sources"]):
        _date(source["as_of"], f'source "{source["id"]}" (number {index + 1}), as_of')


def _check_table(table: dict[str, Any], source_ids: set[str]) -> None:
    where = f'table "{table["name"]}"'
    if table["source"] not in source_ids:
        raise ValueError(f"{where}: source {table['source']!r} is not among the sources")
    columns = {column["name"]: column["type"] for column in table["columns"]}
    _unique((column["name"] for column in table["columns"]), f"column name in {where}")
    for number, row in enumerate(table["rows"], start=1):
        for name in row:
            if name not in columns:
                raise ValueError(f'{where}, row {number}, column "{name}": not a column of the table')
        for name, column_type in columns.items():
            place = f'{where}, row {number}, column "{name}"'
            if name not in row:
                raise ValueError(f"{place}: missing (a row holds every column; null when there is no value)")
            _check_value(row[name], column_type, place)


def _check_value(value: object, column_type: str, place: str) -> None:
    if value is None:
        return
    if column_type == "string":
        if not isinstance(value, str):
            raise ValueError(f"{place}: a string column holds text, got {value!r}")
    elif column_type in ("integer", "money"):
        if isinstance(value, bool) or not isinstance(value, int):
            what = "an integer number of öre" if column_type == "money" else "an integer"
            raise ValueError(f"{place}: {column_type} is {what}, got {value!r}")
    elif column_type == "percent":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{place}: a percent is a number, got {value!r}")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not 0 <= number <= 100:
            raise ValueError(f"{place}: a percent is between 0 and 100, got {value!r}")
        if number.as_tuple().exponent < -1:  # type: ignore[operator]
            raise ValueError(f"{place}: a percent has at most one decimal, got {value!r}")
    elif column_type == "date":
        if not isinstance(value, str):
            raise ValueError(f"{place}: a date is an ISO date string, got {value!r}")
        _date(value, place)
    elif column_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"{place}: a boolean is true or false, got {value!r}")


def _date(value: str, place: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{place}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _unique(values: Iterable[str], what: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(value)
    return seen


def _place(document: Any, error: ValidationError) -> str:
    """The error's place in words: `table "money", row 2, column "allocated"`, or a JSON path elsewhere."""
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "tables" and isinstance(path[1], int):
        table = document["tables"][path[1]]
        name = table.get("name") if isinstance(table, dict) else None
        words = [f'table "{name}"' if isinstance(name, str) else f"table number {path[1] + 1}"]
        rest = path[2:]
        if len(rest) >= 2 and rest[0] == "rows" and isinstance(rest[1], int):
            words.append(f"row {rest[1] + 1}")
            if len(rest) >= 3:
                words.append(f'column "{rest[2]}"')
        elif rest:
            words.append(".".join(str(part) for part in rest))
        return ", ".join(words)
    if not path:
        return "document"
    return "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
                   for i, part in enumerate(path))


def content_hash(document: dict[str, Any]) -> str:
    """`sha256:<hex>` over the canonical JSON (sorted keys, no whitespace, UTF-8) of the document without
    `version`, `generated_at` and `content_hash`: two compositions with the same content have the same hash."""
    content = {key: value for key, value in document.items() if key not in _NOT_HASHED}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_NOT_HASHED: Final = frozenset({"version", "generated_at", "content_hash"})
