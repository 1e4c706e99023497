"""A query parameter the operation does not declare is refused, not ignored; a date is a date.

A county system that misspells a filter (`?subject=` for `?subject_id=`) would otherwise get every record and
believe it had filtered. The declared parameters are read from the service's own OpenAPI document, so the rule
and the document cannot disagree.

A parameter the document declares as `format: date` takes YYYY-MM-DD only: the validator underneath would also
read `as_of=0` as 1970-01-01 (a Unix time) and `2019-11-01T00:00:00` as a day, which no caller means and the
document does not allow (422 naming `query.<name>`, rule `date_format`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from shared.problems import FieldError, InvalidInput

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class DeclaredQuery:
    names: frozenset[str]
    dates: frozenset[str]


def _is_date(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "date" or any(_is_date(s) for s in schema.get("anyOf", []))


def declared_query_parameters(document: dict) -> dict[tuple[str, str], DeclaredQuery]:
    """(METHOD, path template) -> the query parameters the operation declares, and which of them are dates."""
    declared = {}
    for path, item in document.get("paths", {}).items():
        shared_parameters = [p for p in item.get("parameters", []) if p.get("in") == "query"]
        for method, operation in item.items():
            if method in _HTTP_METHODS and isinstance(operation, dict):
                parameters = shared_parameters + [p for p in operation.get("parameters", [])
                                                  if p.get("in") == "query"]
                declared[(method.upper(), path)] = DeclaredQuery(
                    names=frozenset(p["name"] for p in parameters),
                    dates=frozenset(p["name"] for p in parameters if _is_date(p.get("schema", {}))))
    return declared


async def refuse_unknown_query_parameters(request: Request) -> None:
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    if path is None:
        return
    state = request.app.state
    declared = getattr(state, "declared_query_parameters", None)
    if declared is None:
        declared = state.declared_query_parameters = declared_query_parameters(request.app.openapi())
    operation = declared.get((request.method, path))
    if operation is None:  # not in the document (HEAD answered by a GET route, internal routes): nothing to check
        return
    known = operation.names
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        expected = ", ".join(sorted(known)) or "none"
        raise InvalidInput(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(this operation takes: {expected}).",
            errors=[FieldError(f"query.{name}", "unknown_parameter",
                               f"'{name}' is not a parameter of this operation (it takes: {expected}).")
                    for name in unknown])
    not_dates = [FieldError(f"query.{name}", "date_format", f"'{name}' is a date: YYYY-MM-DD, e.g. 2019-11-01.")
                 for name in operation.dates
                 for value in request.query_params.getlist(name) if not _DATE.match(value)]
    if not_dates:
        raise InvalidInput(not_dates[0].message, errors=not_dates)
