"""Makes a service's OpenAPI document say what the service sends.

FastAPI declares every error as `application/json` (and a 422 body shaped like its own validation error), while
every error here is an RFC 9457 `application/problem+json` body: client generators and contract fuzzers read the
document, so it is corrected once, here, for every operation of every service.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shared.problems import PROBLEM_CONTENT_TYPE, ProblemDocument

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDocument"}


def _problem_schemas() -> dict[str, Any]:
    schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = schema.pop("$defs", {})
    return {"ProblemDocument": schema, **nested}


def declare_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx/5xx response of every operation is a problem+json ProblemDocument (in place; returns it)."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _HTTP_METHODS or not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "45":
                    response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": dict(_PROBLEM_REF)}}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    # FastAPI's own validation-error shapes are never sent.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def describe_errors_as_problems(app: FastAPI) -> None:
    """The app's document, built once, declares its errors as they are sent."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            declare_problem_responses(build())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
