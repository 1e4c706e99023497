"""A query parameter the operation does not declare is refused, not ignored.

A county system that misspells a filter (`?subject=` for `?subject_id=`) would otherwise get every record and
believe it had filtered. The declared parameters are read from the service's own OpenAPI document, so the rule
and the document cannot disagree.
"""

from __future__ import annotations

from fastapi import Request

from shared.problems import FieldError, InvalidInput

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def declared_query_parameters(document: dict) -> dict[tuple[str, str], frozenset[str]]:
    """(METHOD, path template) -> the names of the query parameters the operation declares."""
    declared = {}
    for path, item in document.get("paths", {}).items():
        shared_names = {p["name"] for p in item.get("parameters", []) if p.get("in") == "query"}
        for method, operation in item.items():
            if method in _HTTP_METHODS and isinstance(operation, dict):
                names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
                declared[(method.upper(), path)] = frozenset(names | shared_names)
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
    known = declared.get((request.method, path))
    if known is None:  # not in the document (HEAD answered by a GET route, internal routes): nothing to check
        return
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        expected = ", ".join(sorted(known)) or "none"
        raise InvalidInput(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(this operation takes: {expected}).",
            errors=[FieldError(f"query.{name}", "unknown_parameter",
                               f"'{name}' is not a parameter of this operation (it takes: {expected}).")
                    for name in unknown])
