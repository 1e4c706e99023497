"""Makes a service's OpenAPI document say what the service sends.

FastAPI declares every error as `application/json` (and a 422 body shaped like its own validation error), while
every error here is an RFC 9457 `application/problem+json` body: client generators and contract fuzzers read the
document, so it is corrected once, here, for every operation of every service.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from shared.problems import PROBLEM_CONTENT_TYPE, ProblemDocument


def operation_id(route: APIRoute) -> str:
    """An operation's id: its route function's name in lower camel case (`create_allocation` is
    `createAllocation`), short and stable, so generated clients name their calls as the domain does. The names
    are unique across the platform (the gateway's document holds them to it; tests/test_openapi.py)."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDocument"}


def _problem_schemas() -> dict[str, Any]:
    schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = schema.pop("$defs", {})
    return {"ProblemDocument": schema, **nested}


_STATUS_DESCRIPTIONS = {
    400: "The body cannot be read as the media type it was sent as (e.g. JSON that is not UTF-8).",
    401: "No valid identity: a wrong or expired API key, or a call that did not come through the gateway.",
    403: "The caller's role or county may not do this.",
    404: "No such record.",
    409: "The request collides with the stored state (a duplicate, an overlap, an id in use).",
    412: "If-Match names a version that is no longer current: read the record again (current_etag).",
    413: "The body is larger than the service accepts.",
    415: "The body's media type is not one the operation accepts.",
    422: "A rule is broken: `errors` names each field and rule.",
    428: "If-Match is missing: send the ETag you read.",
}
_HEADERS = {
    "ETag": {"description": "The record's version, for If-Match and If-None-Match.", "schema": {"type": "string"}},
    "Location": {"description": "The public path of the record.", "schema": {"type": "string"}},
}


def _expected_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = {401}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if method != "get":
        statuses |= {403, 409}
    if "requestBody" in operation:
        statuses |= {400, 413, 415}  # 415: a JSON body sent as another type too (shared/json_bodies.py)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
        statuses |= {412, 428}
    return statuses


# Every query parameter is refused with a control character in it (shared.middleware.ControlCharacterMiddleware,
# for every route), so a free-text parameter says so; one with a pattern, format or list of values says more.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f]*$"


def _query_text_without_control_characters(operation: dict[str, Any]) -> None:
    def mark(schema: dict[str, Any]) -> None:
        for alternative in schema.get("anyOf", []):
            mark(alternative)
        if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
            schema["pattern"] = NO_CONTROL_CHARACTERS

    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query":
            mark(parameter.get("schema", {}))


def _require_if_match(operation: dict[str, Any]) -> None:
    """The service answers 428 without If-Match, so the document says it is required."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match":
            parameter["required"] = True
            parameter["schema"] = {"type": "string"}


def declare_what_is_sent(document: dict[str, Any]) -> dict[str, Any]:
    """Every status an operation can answer, its problem+json body, required If-Match, the 200 of a retried
    create and the ETag/Location headers (in place; returns the document)."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS or not isinstance(operation, dict):
                continue
            _require_if_match(operation)
            _query_text_without_control_characters(operation)
            responses = operation.setdefault("responses", {})
            for status in _expected_statuses(method, operation):
                responses.setdefault(str(status), {"description": _STATUS_DESCRIPTIONS[status]})
            if not any(p.get("in") == "path" for p in operation.get("parameters", [])):
                # Only an id in the path is answered 404 (a router's shared list may name it for every route);
                # a reference in a query or a body that names no record is 422 unknown_reference.
                responses.pop("404", None)
            for status, response in responses.items():
                if str(status)[0] in "45":
                    response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": dict(_PROBLEM_REF)}}
            created = responses.get("201")
            if method == "post" and created is not None:
                created.setdefault("headers", {}).update({"Location": dict(_HEADERS["Location"]),
                                                          "ETag": dict(_HEADERS["ETag"])})
                if "200" not in responses:
                    responses["200"] = {
                        "description": "The same request was already carried out: the stored record, unchanged "
                                       "(a retried create with the same id and content).",
                        "content": created.get("content", {}), "headers": {"ETag": dict(_HEADERS["ETag"])}}
            elif method in ("get", "patch", "put") and "200" in responses and "{" in path:
                responses["200"].setdefault("headers", {}).setdefault("ETag", dict(_HEADERS["ETag"]))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    # FastAPI's own validation-error shapes are never sent.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    distinct_titles(schemas)
    return document


def distinct_titles(schemas: dict[str, Any]) -> dict[str, Any]:
    """Client generators name a model class by its schema's title, so two schemas with one title (Pydantic's
    `Item-Input` and `Item-Output`, or a schema the gateway renamed for a second service) would collide: each of
    them whose name is not the title is titled by its name instead (in place; returns the schemas)."""
    titles = Counter(schema.get("title", name) for name, schema in schemas.items() if isinstance(schema, dict))
    for name, schema in schemas.items():
        if isinstance(schema, dict) and titles[schema.get("title", name)] > 1 and schema.get("title", name) != name:
            schema["title"] = re.sub(r"[^A-Za-z0-9_]", "", name)
    return schemas


def describe_errors_as_problems(app: FastAPI) -> None:
    """The app's document, built once, declares its errors as they are sent."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            declare_what_is_sent(build())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
