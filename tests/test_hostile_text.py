"""Hostile text in every input of every operation: a NUL or another control character in any string of any request
body the published OpenAPI document describes is refused with 422 naming that field, never a 500, never stored.

The operations and their strings come from the gateway's aggregated document, so an operation or a field added
later is covered without new test code. Two layers: the document itself must say, for every string an input
schema holds, a rule that refuses control characters (a pattern, an enum, a format); and each such string, sent
with a NUL (and with an escape character) by a national administrator, must come back as a 422 whose errors
name the field. Numbers and amounts that no column can hold, and digits outside ASCII, are refused the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from deploy.stack import SERVICES
from tests.support import assert_problem

WRITE_METHODS = ("post", "put", "patch")
HOSTILE = ("Ex\x00empel", "Ex\x1bempel")
# What a string of the document may be without a pattern of its own: a choice, a date, a file.
SAFE_FORMATS = {"date", "date-time", "uuid", "binary", "email"}


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def string_leaves(document: dict, schema: dict, path: tuple[str, ...] = (),
                  seen: frozenset[str] = frozenset()) -> Iterator[tuple[tuple[str, ...], dict]]:
    """Every string a body of `schema` may hold, as (path, schema); `*` a key of a map, `[]` an item of a list."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen = seen | {schema["$ref"]}
        schema = resolve(document, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from string_leaves(document, option, path, seen)
    if "properties" in schema or schema.get("type") == "object":
        for name, sub in schema.get("properties", {}).items():
            yield from string_leaves(document, sub, (*path, name), seen)
        if isinstance(schema.get("additionalProperties"), dict):
            yield from string_leaves(document, schema["additionalProperties"], (*path, "*"), seen)
    if schema.get("type") == "array":
        yield from string_leaves(document, schema.get("items", {}), (*path, "[]"), seen)
    if schema.get("type") == "string":
        yield path, schema


def refuses_control_characters(schema: dict) -> bool:
    if "enum" in schema or "const" in schema or schema.get("format") in SAFE_FORMATS:
        return True
    pattern = schema.get("pattern")
    return pattern is not None and not any(re.search(pattern, text) for text in HOSTILE)


def body_with(path: tuple[str, ...], value: str) -> Any:
    """The smallest body that puts `value` at `path`: the field is validated whatever else the body lacks."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "[]":
        return [body_with(rest, value)]
    if head == "*":
        return {"q1": body_with(rest, value)}
    return {head: body_with(rest, value)}


def field_name(path: tuple[str, ...]) -> str:
    """How the problem names the field: body.a.0.b (a list's first item), body.answers.q1."""
    return ".".join(["body", *("0" if p == "[]" else "q1" if p == "*" else p for p in path)])


def without_union_steps(field: str) -> str:
    """A problem's field without the steps that name which option of a union was tried
    (body.answers.q1.list[...].0 is body.answers.q1.0)."""
    return ".".join(step for step in field.split(".") if "[" not in step and "(" not in step)


class Field:
    def __init__(self, method: str, path: str, url: str, leaf: tuple[str, ...]) -> None:
        self.method, self.path, self.url, self.leaf = method, path, url, leaf

    def __repr__(self) -> str:
        return f"{self.method.upper()} {self.path} {'.'.join(self.leaf)}"


@pytest.fixture(scope="module")
def document(gateway) -> dict:
    return gateway.get("/openapi.json").json()


@pytest.fixture(scope="module")
def json_string_fields(document) -> list[tuple[Field, dict]]:
    fields = []
    for path, item in document["paths"].items():
        if path.split("/")[1] not in SERVICES:
            continue
        for method, spec in item.items():
            if method not in WRITE_METHODS:
                continue
            schema = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                continue
            url = re.sub(r"\{[^}]+\}", "hostile-text-probe", path)
            seen_leaves = set()
            for leaf, string_schema in string_leaves(document, schema):
                # The same field under several union options or nested levels is one field to try.
                if leaf in seen_leaves or leaf.count("items") > 1:
                    continue
                seen_leaves.add(leaf)
                fields.append((Field(method, path, url, leaf), string_schema))
    return fields


def test_the_document_covers_the_writes_of_every_service(json_string_fields):
    services = {field.path.split("/")[1] for field, _ in json_string_fields}
    assert services == set(SERVICES)
    named = {(field.path, ".".join(field.leaf)) for field, _ in json_string_fields}
    for expected in [("/funding/reports", "comment"), ("/funding/agreements", "lines.[].conditions"),
                     ("/surveys/rounds/{round_id}/responses", "answers.*"),
                     ("/actors/organisations", "contacts.[].value")]:
        assert expected in named, expected


def test_every_string_of_every_input_schema_says_it_refuses_control_characters(json_string_fields):
    loose = [f"{field}: {schema}" for field, schema in json_string_fields if not refuses_control_characters(schema)]
    assert not loose, "input strings without a rule against control characters:\n" + "\n".join(loose)


def test_a_control_character_in_any_string_of_any_body_is_refused_naming_the_field(gateway, admin_key,
                                                                                   json_string_fields):
    failures = []
    for field, _ in json_string_fields:
        for hostile in HOSTILE:
            response = gateway.request(field.method, field.url, json=body_with(field.leaf, hostile),
                                       headers=admin_key)
            named = field_name(field.leaf)
            errors = response.json().get("errors", []) if response.status_code == 422 else []
            if response.status_code != 422 or not any(without_union_steps(e["field"]) == named for e in errors):
                failures.append(f"{field} {hostile!r}: {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)


def test_a_control_character_in_any_query_parameter_is_refused_or_ignored_never_an_error(gateway, admin_key,
                                                                                        document):
    failures = []
    for path, item in document["paths"].items():
        if path.split("/")[1] not in SERVICES or "get" not in item:
            continue
        url = re.sub(r"\{[^}]+\}", "hostile-text-probe", path)
        for parameter in item["get"].get("parameters", []):
            if parameter.get("in") != "query":
                continue
            response = gateway.get(url, params={parameter["name"]: HOSTILE[0]}, headers=admin_key)
            if response.status_code >= 500 or response.status_code == 200 and "\x00" in response.text:
                failures.append(f"GET {path}?{parameter['name']}: {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("amount", ["١٠", "１０", "10e3", "1e999999999"])
def test_an_amount_written_with_other_digits_than_0_to_9_is_refused(gateway, admin_key, amount):
    response = gateway.post("/funding/agreements", headers=admin_key, json={
        "id": "hostile-amount", "name": "Exempelöverenskommelse", "registry_number": "S2026/00001",
        "first_year": 2026, "lines": [{"id": "line", "area": "Exempel", "year": 2026, "total": amount,
                                       "allocation_key": "equal", "requisition_last_date": "2026-10-31",
                                       "report_due_date": "2027-03-31"}]})
    assert_problem(response, 422, field="body.lines.0.total", rule="money_format")
    assert gateway.get("/funding/agreements/hostile-amount", headers=admin_key).status_code == 404


def test_a_county_code_written_with_arabic_digits_is_refused(gateway):
    problem = assert_problem(gateway.get("/actors/municipalities", params={"county": "٢٠"}), 422)
    assert problem["errors"][0]["field"] == "query.county"
