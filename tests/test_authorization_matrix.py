"""Every write operation the gateway publishes, called by every kind of caller that must be refused.

The operations come from the gateway's aggregated OpenAPI document, so an operation added later is covered
without new test code. Path parameters are filled with a Dalarna record of the kind the parameter names, bodies
from the operation's schema with the same records; Stockholm's key must then be refused on every one of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from deploy.stack import SERVICES
from shared.identity import Role
from tests.registry_helpers import create_organisation, create_person, create_post, create_relation, unique
from tests.support import identity_header

WRITE_METHODS = ("post", "put", "patch", "delete")
PLACEHOLDER = "no-such-record"
# Which record a path parameter or body field names; the body's own `id` is the record of the collection.
KIND_BY_NAME = {"organisation_id": "organisation", "subject_id": "organisation", "object_id": "organisation",
                "on_behalf_of_id": "organisation", "relation_id": "relation", "post_id": "post",
                "membership_id": "membership", "person_id": "person"}
KIND_BY_COLLECTION = {"organisations": "organisation", "relations": "relation", "posts": "post",
                      "memberships": "membership", "people": "person"}


class Operation:
    def __init__(self, document: dict, path: str, method: str, spec: dict, records: dict[str, str]) -> None:
        self.document, self.path, self.method, self.spec, self.records = document, path, method, spec, records
        segments = [s for s in path.split("/") if s and not s.startswith("{")]
        self.service = segments[0] if segments and segments[0] in SERVICES else None
        self.collection_kind = KIND_BY_COLLECTION.get(segments[-1] if segments else "")

    def __repr__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def url(self) -> str:
        url = self.path
        for parameter in self.spec.get("parameters", []):
            if parameter.get("in") == "path":
                name = parameter["name"]
                url = url.replace("{" + name + "}", self.records.get(KIND_BY_NAME.get(name, ""), PLACEHOLDER))
        return url

    @property
    def targets_a_record(self) -> bool:
        """Whether the operation acts on, or refers to, a record of a kind the fixture has for Dalarna: a path
        parameter naming one, or a body (or an import's row) with a field naming one or a county."""
        if any(p.get("in") == "path" and p["name"] in KIND_BY_NAME for p in self.spec.get("parameters", [])):
            return True
        found = self.body_schema()
        if found is not None and found[0].startswith("text/csv"):
            single = self.document["paths"].get(self.path.replace("/imports", ""), {}).get("post", {})
            return Operation(self.document, self.path.replace("/imports", ""), "post", single,
                             self.records).targets_a_record
        fields = set(found[1].get("properties", {})) if found else set()
        return bool(fields & (set(KIND_BY_NAME) | {"county_code"}) or ("id" in fields and self.collection_kind))

    def body_schema(self) -> tuple[str, dict] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        for media_type, description in content.items():
            return media_type, self.resolve(description.get("schema", {}))
        return None

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.document["components"]["schemas"][name]
        return schema

    def value(self, name: str, schema: dict, kind: str | None) -> Any:
        if name == "id" and kind:
            return self.records[kind]
        if name in KIND_BY_NAME:
            return self.records[KIND_BY_NAME[name]]
        if name == "county_code":
            return "20"
        schema = self.resolve(schema)
        for option in schema.get("anyOf", []):
            if option.get("type") != "null":
                return self.value(name, option, kind)
        if "enum" in schema:
            return schema["enum"][0]
        if schema.get("examples"):
            return schema["examples"][0]
        if schema.get("format") == "date":
            return "2031-01-01"
        return {"integer": 2020, "number": 1, "boolean": False, "array": [], "object": {}}.get(schema.get("type"),
                                                                                             "Exempel")

    def body_for(self, schema: dict, kind: str | None) -> dict[str, Any]:
        properties = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | {n for n in properties if n in KIND_BY_NAME or n in (
            "id", "county_code")}
        return {name: self.value(name, properties[name], kind) for name in wanted}

    def request(self, headers: dict[str, str]) -> dict[str, Any]:
        """The keyword arguments of a request that a Dalarna system could make (and Stockholm may not)."""
        found = self.body_schema()
        if found is None:
            return {"headers": headers}
        media_type, schema = found
        if media_type == "application/json":
            return {"json": self.body_for(schema, self.collection_kind), "headers": headers}
        body = self.csv_body() if media_type.startswith("text/csv") else b""
        return {"content": body, "headers": {"content-type": media_type, **headers}}

    def csv_body(self) -> bytes:
        """An import's file: the columns its example names, one row filled like the single-record create's body
        (the operation that stores each row: the same collection without `/imports`)."""
        found = self.body_schema()
        columns = str(self.spec["requestBody"]["content"][found[0]].get("example", "id")).split(",")
        single = self.document["paths"].get(self.path.replace("/imports", ""), {}).get("post", {})
        row_schema = Operation(self.document, self.path.replace("/imports", ""), "post", single, self.records)
        found_row = row_schema.body_schema()
        row = row_schema.body_for(found_row[1], row_schema.collection_kind) if found_row else {}
        cells = [str(row[name]) if row.get(name) is not None else "" for name in columns]
        return (",".join(columns) + "\n" + ",".join(cells) + "\n").encode()


@pytest.fixture(scope="module")
def dalarna_records(gateway, county_key) -> dict[str, str]:
    organisation = create_organisation(gateway, county_key, name=unique("FoU Matris"), county_code="20")
    other = create_organisation(gateway, county_key, name=unique("FoU Matris Andra"), county_code="20")
    relation = create_relation(gateway, county_key, kind="member_of", subject=other["id"], obj=organisation["id"])
    post = create_post(gateway, county_key, organisation_id=organisation["id"])
    person = create_person(gateway, county_key, given_name="Matris", family_name="Matrisdotter",
                           email="matris@example.org")
    membership = gateway.post("/actors/memberships", headers=county_key, json={
        "post_id": post["id"], "person_id": person["id"], "valid_from": "2024-01-01"})
    assert (relation.status_code, membership.status_code) == (201, 201), (relation.text, membership.text)
    return {"organisation": organisation["id"], "relation": relation.json()["id"], "post": post["id"],
            "person": person["id"], "membership": membership.json()["id"]}


@pytest.fixture(scope="module")
def write_operations(gateway, dalarna_records) -> list[Operation]:
    document = gateway.get("/openapi.json").json()
    operations = [Operation(document, path, method, spec, dalarna_records)
                  for path, item in document["paths"].items() for method, spec in item.items()
                  if method in WRITE_METHODS]
    assert len(operations) >= 15, operations  # the registry's writes are there: the document was read whole
    return operations


@pytest.fixture(scope="module")
def register_state(gateway, admin_key, dalarna_records) -> Callable[[], dict[str, Any]]:
    """What a refused caller must not have changed: the Dalarna records, their audit trail, and the events
    written by Stockholm's system."""

    def state() -> dict[str, Any]:
        records = {kind: gateway.get(f"/actors/{collection}/{dalarna_records[kind]}", headers=admin_key).json()
                   for collection, kind in KIND_BY_COLLECTION.items() if kind != "membership"}
        records["membership"] = gateway.get("/actors/memberships", params={"post": dalarna_records["post"]},
                                            headers=admin_key).json()["items"]
        trail = {kind: gateway.get("/actors/audit", params={"entity_id": record_id}, headers=admin_key).json()
                 ["count"] for kind, record_id in dalarna_records.items()}
        by_stockholm = gateway.get("/actors/audit", params={"actor": "county-01-stockholm"},
                                   headers=admin_key).json()["count"]
        return {"records": records, "trail": trail, "by_stockholm": by_stockholm}

    return state


def refusals(operations: list[Operation], send: Callable[[Operation], httpx.Response],
             expected: int) -> list[str]:
    failures = []
    for operation in operations:
        response = send(operation)
        is_problem = response.headers.get("content-type", "").startswith("application/problem+json")
        if response.status_code != expected or not is_problem:
            failures.append(f"{operation}: {response.status_code} {response.text[:200]}")
    return failures


@pytest.mark.parametrize(("credential", "headers", "expected"), [
    ("anonymous", lambda stack: {}, 401),
    ("wrong API key", lambda stack: {"X-API-Key": "rss_county20_guessed"}, 401),
    ("dashboard", lambda stack: {"X-API-Key": stack.keys["dashboard"]}, 403),
])
def test_every_write_through_the_gateway_refuses(gateway, stack, write_operations, register_state, credential,
                                                 headers, expected):
    before = register_state()
    def send(operation: Operation) -> httpx.Response:
        return gateway.request(operation.method, operation.url, **operation.request(headers(stack)))

    failures = refusals(write_operations, send, expected)
    assert not failures, f"{credential} was not refused with {expected}:\n" + "\n".join(failures)
    assert register_state() == before


# A respondent key answers its own organisation's survey responses; every other write is refused.
RESPONDENT_ANSWERS = ("/surveys/rounds/{round_id}/responses",)


def test_a_respondent_key_is_refused_every_write_but_its_own_answers(gateway, stack, write_operations,
                                                                     register_state):
    before = register_state()
    falun = {"X-API-Key": stack.keys["municipality-2080"]}
    refused = [o for o in write_operations if not o.path.startswith(RESPONDENT_ANSWERS)]
    assert len(refused) >= len(write_operations) - 3, refused

    def send(operation: Operation) -> httpx.Response:
        return gateway.request(operation.method, operation.url, **operation.request(falun))

    failures = refusals(refused, send, 403)
    assert not failures, "the respondent key was not refused with 403:\n" + "\n".join(failures)
    assert register_state() == before


# What a respondent key may read beyond what an anonymous caller reads: what answering a survey takes.
RESPONDENT_READS = ("/surveys/questionnaires", "/surveys/rounds/{round_id}/responses")
RESPONDENT_READ_EXACT = ("/surveys/rounds", "/surveys/rounds/{round_id}", "/surveys/rounds/{round_id}/targets")


def test_a_respondent_key_reads_what_an_anonymous_caller_reads_and_its_surveys(gateway, stack, dalarna_records):
    """Every GET of the published document, asked anonymously and with Falun's respondent key: where the
    anonymous caller is refused, so is the respondent, except for the surveys it answers."""
    document = gateway.get("/openapi.json").json()
    falun = {"X-API-Key": stack.keys["municipality-2080"]}
    reads = [Operation(document, path, "get", item["get"], dalarna_records)
             for path, item in document["paths"].items() if "get" in item and path.split("/")[1] in SERVICES]
    assert any(o.path == "/actors/audit" for o in reads) and any(o.path.startswith("/funding/") for o in reads)
    failures = []
    for operation in reads:
        if operation.path.startswith(RESPONDENT_READS) or operation.path in RESPONDENT_READ_EXACT:
            continue
        anonymous = gateway.get(operation.url)
        respondent = gateway.get(operation.url, headers=falun)
        if anonymous.status_code == 401 and respondent.status_code != 403:
            failures.append(f"{operation}: anonymous 401, respondent {respondent.status_code} "
                            f"{respondent.text[:120]}")
        elif anonymous.status_code != 401 and respondent.status_code in (401, 403):
            failures.append(f"{operation}: anonymous {anonymous.status_code}, respondent {respondent.status_code}")
    assert not failures, "a respondent key reads more than an anonymous caller:\n" + "\n".join(failures)


def _other_service(service: str) -> str:
    return "funding" if service != "funding" else "actors"


@pytest.mark.parametrize(("credential", "identity", "expected"), [
    ("no identity", lambda stack, service: {}, 401),
    # A signed identity past its lifetime: a request that waited too long on its way, refused as 503
    ("expired identity", lambda stack, service: identity_header(
        stack.secret, role=Role.NATIONAL_ADMIN, county=None, expires_at=int(time.time()) - 1, audience=service),
     503),
    ("forged identity", lambda stack, service: identity_header(
        "a-secret-the-services-do-not-share-0000000000", role=Role.NATIONAL_ADMIN, county=None, audience=service),
     401),
    ("identity minted for another service", lambda stack, service: identity_header(
        stack.secret, role=Role.NATIONAL_ADMIN, county=None, audience=_other_service(service)), 401),
])
def test_every_write_sent_past_the_gateway_refuses(stack, write_operations, register_state, credential, identity,
                                                   expected):
    before = register_state()
    services = [operation for operation in write_operations if operation.service]
    assert services, "no operation belongs to a service"

    def send(operation: Operation) -> httpx.Response:
        url = stack.service_url(operation.service) + operation.url.removeprefix(f"/{operation.service}")
        return httpx.request(operation.method, url, **operation.request(identity(stack, operation.service)),
                             timeout=15)

    failures = refusals(services, send, expected)
    assert not failures, f"{credential} was not refused with {expected}:\n" + "\n".join(failures)
    assert register_state() == before


def test_another_countys_key_is_refused_every_write_of_a_dalarna_record(gateway, stack, write_operations,
                                                                        register_state):
    before = register_state()
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    failures = []
    targeted = [o for o in write_operations if o.targets_a_record]
    assert len(targeted) >= 15, targeted
    for operation in targeted:
        response = gateway.request(operation.method, operation.url, **operation.request(stockholm))
        refused = response.status_code == 403 or (  # an import reports each refused row in its 422
            response.status_code == 422 and "/imports/" in operation.path and
            {e["rule"] for e in response.json().get("errors", [])} == {"forbidden"})
        if not refused:
            failures.append(f"{operation}: {response.status_code} {response.text[:300]}")
    assert not failures, "Stockholm's key was not refused:\n" + "\n".join(failures)
    assert register_state() == before
