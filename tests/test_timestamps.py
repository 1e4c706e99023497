"""Every timestamp an answer carries has its offset, on SQLite (which hands stored timestamps back without their
zone) as on PostgreSQL: a check generated from the gateway's OpenAPI document walks live answers of a few GETs per
service (the registry's audit, funding's requisition and audit, surveys' questionnaire, response, its history and
audit) and reads every value its schema declares `format: date-time`. The FHIR export's `date` is a FHIR
dateTime with its zone."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.funding_requests import key, paid, receiver_allocation
from tests.surveys_requests import answer, needs_answers, open_round

WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# FHIR R4 dateTime, with the zone required where a time is given (http://hl7.org/fhir/R4/datatypes.html#dateTime)
FHIR_DATE_TIME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
                            r"(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$")


def timestamps(document: dict, schema: dict, value: Any, where: str = "$") -> list[tuple[str, Any]]:
    """(place, value) of every value in `value` whose schema says `format: date-time`."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return timestamps(document, document["components"]["schemas"][name], value, where)
    found: list[tuple[str, Any]] = []
    for combined in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(combined, []):
            found += timestamps(document, option, value, where)
    if value is None:
        return found
    if schema.get("format") == "date-time":
        found.append((where, value))
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            found += timestamps(document, schema["items"], item, f"{where}[{n}]")
    if isinstance(value, dict):
        for name, item in value.items():
            inner = schema.get("properties", {}).get(name)
            if inner is None and isinstance(schema.get("additionalProperties"), dict):
                inner = schema["additionalProperties"]
            if inner is not None:
                found += timestamps(document, inner, item, f"{where}.{name}")
    return found


def declares_timestamps(document: dict, schema: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an answer of this schema may hold a `format: date-time` value (its references followed)."""
    if isinstance(schema, list):
        return any(declares_timestamps(document, s, seen) for s in schema)
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name not in seen and declares_timestamps(document, document["components"]["schemas"][name],
                                                        seen | {name})
    return schema.get("format") == "date-time" or any(declares_timestamps(document, v, seen)
                                                       for v in schema.values() if isinstance(v, dict | list))


def answer_schema(document: dict, path: str) -> dict:
    return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def assert_offsets(gateway: httpx.Client, document: dict, headers: dict, template: str, url: str,
                   at_least: int = 1) -> None:
    response = gateway.get(url, headers=headers)
    assert response.status_code == 200, (url, response.text)
    found = timestamps(document, answer_schema(document, template), response.json())
    assert len(found) >= at_least, (url, found)
    assert all(isinstance(v, str) and WITH_OFFSET.match(v) for _, v in found), (url, found)


def test_every_timestamp_in_the_answers_carries_its_offset(gateway, admin_key, county_key):
    document = gateway.get("/openapi.json").json()
    declared = [path for path, item in document["paths"].items() if "get" in item
                and declares_timestamps(document, item["get"]["responses"].get("200", {}).get("content", {}))]
    assert {"/actors/audit", "/funding/requisitions/{requisition_id}", "/surveys/audit",
            "/surveys/questionnaires/{questionnaire_id}"} <= set(declared)

    _agreement, allocation = receiver_allocation(gateway, admin_key)
    requisition = paid(gateway, admin_key, county_key, allocation, "1000.00")
    assert_offsets(gateway, document, county_key, "/funding/requisitions/{requisition_id}",
                   f"/funding/requisitions/{requisition['id']}", at_least=3)
    assert_offsets(gateway, document, admin_key, "/funding/audit", "/funding/audit")
    assert_offsets(gateway, document, admin_key, "/actors/audit", "/actors/audit")

    round_ = open_round(gateway, admin_key, organisation_ids=["2080"])
    sent = answer(gateway, {**county_key, **key()}, round_["id"], "2080", needs_answers(1))
    assert sent.status_code == 201, sent.text
    response_url = f"/surveys/rounds/{round_['id']}/responses/2080"
    assert_offsets(gateway, document, county_key, "/surveys/rounds/{round_id}/responses/{respondent_id}",
                   response_url, at_least=2)
    assert_offsets(gateway, document, county_key, "/surveys/rounds/{round_id}/responses/{respondent_id}/history",
                   response_url + "/history")
    assert_offsets(gateway, document, county_key, "/surveys/questionnaires/{questionnaire_id}",
                   "/surveys/questionnaires/behovsinventering", at_least=2)
    assert_offsets(gateway, document, admin_key, "/surveys/audit", "/surveys/audit")

    fhir = gateway.get("/surveys/questionnaires/behovsinventering/versions/1/fhir", headers=county_key)
    assert fhir.status_code == 200, fhir.text
    assert FHIR_DATE_TIME.match(fhir.json()["date"]), fhir.json()["date"]
