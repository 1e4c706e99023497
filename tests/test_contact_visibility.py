"""A person's e-mail and phone, by every way the platform can answer with them, to every kind of caller.

The rule (services/actors/people/presenter.py, `shows_contact_details`): a person's e-mail and phone are shown to
national administrators, and to a county system for the people its own county manages; every other caller gets
null. The operations come from the gateway's aggregated OpenAPI document: every GET whose answer can carry a
person (a schema with an `email` or `phone` property, reached through $ref, arrays, anyOf and the like; a free
object documented as carrying them, such as the audit trail's snapshots; a CSV file whose columns name them).
A GET added later that answers with a person is called here without new test code.

Each is called by every kind of caller, most entitled first (so an answer kept for one caller would be served
to the next), once with only what it requires and a full page, and once with its filters naming records whose
holder or member Dalarna manages. No answer may carry the contacts of a person the caller is not entitled to.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.registry_helpers import create_organisation, create_person, create_post, unique

AS_OF = "2025-06-01"  # every test holder holds from 2024-01-01 on
# Which record a path or query parameter names.
KIND_BY_PARAMETER = {"organisation_id": "organisation", "organisation": "organisation", "post_id": "post",
                     "post": "post", "membership_id": "membership", "person_id": "person", "person": "person",
                     "rss_id": "rss", "network": "network", "on_behalf_of": "behalf", "entity_id": "audited",
                     "county": "county", "county_code": "county", "name": "family_name"}
PLACEHOLDER = "no-such-record"
CONTACT_KEYS = ("email", "phone")
# Callers, most entitled first; what each is entitled to: every person's contacts, its county's, or none.
CALLERS = [("national admin", "skr-admin", "all"), ("Dalarna", "county-20", "20"), ("Stockholm", "county-01", "01"),
           ("respondent in Dalarna", "municipality-2080", None), ("dashboard", "dashboard", None),
           ("anonymous", None, None)]


def _names_contacts(schema: Any, document: dict, seen: set[str]) -> bool:
    """Whether an answer of `schema` can carry a person's e-mail or phone."""
    if isinstance(schema, list):
        return any(_names_contacts(s, document, seen) for s in schema)
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return False
        seen.add(name)
        return _names_contacts(document["components"]["schemas"][name], document, seen)
    if any(key in schema.get("properties", {}) for key in CONTACT_KEYS):
        return True
    if any(_free_object(s) for s in (schema, *schema.get("anyOf", []))) and \
            re.search(r"\b(e-?mail|phone)\b", schema.get("description", "")):
        return True  # a free object documented as carrying them (an audit snapshot)
    nested = [*schema.get("properties", {}).values(), schema.get("items"), schema.get("additionalProperties"),
              *schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])]
    return any(_names_contacts(s, document, seen) for s in nested if s is not None)


def _free_object(schema: dict) -> bool:
    return schema.get("type") == "object" and not schema.get("properties")


class Operation:
    def __init__(self, path: str, spec: dict, document: dict) -> None:
        self.path, self.spec = path, spec
        ok = spec.get("responses", {}).get("200", {})
        content = ok.get("content", {})
        self.is_file = any(not media.endswith("json") for media in content)
        json_schemas = [c.get("schema", {}) for media, c in content.items() if media.endswith("json")]
        self.carries_people = _names_contacts(json_schemas, document, set()) or (
            self.is_file and bool(re.search(r"\b\w*(email|phone)\b", ok.get("description", ""))))
        self.parameters = {p["name"]: p for p in spec.get("parameters", [])}

    def __repr__(self) -> str:
        return f"GET {self.path}"

    def calls(self, records: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
        """The URL and query of a call with only what the operation requires (and a full page), then of one with
        every filter naming a record of the fixture."""
        url = self.path
        for name, parameter in self.parameters.items():
            if parameter.get("in") == "path":
                url = url.replace("{" + name + "}", records.get(KIND_BY_PARAMETER.get(name, ""), PLACEHOLDER))
        query = {name: p for name, p in self.parameters.items() if p.get("in") == "query"}
        base = {"as_of": AS_OF} if "as_of" in query else {}
        if "limit" in query:
            base["limit"] = str(query["limit"].get("schema", {}).get("maximum", 100))
        required = {name: records[KIND_BY_PARAMETER[name]] for name, p in query.items()
                    if p.get("required") and name in KIND_BY_PARAMETER}
        yield url, {**base, **required}
        filtered = {name: records[KIND_BY_PARAMETER[name]] for name in query if name in KIND_BY_PARAMETER}
        if filtered.keys() - required.keys():
            yield url, {**base, **filtered}
        if "county" in query and "network" not in query:  # and a county with none of the fixture's records
            yield url, {**base, **required, "county": "01"}


@pytest.fixture(scope="module")
def people(gateway, stack, county_key, admin_key) -> dict[str, Any]:
    """A person managed by Dalarna holding posts everywhere a holder is shown: a post of a Dalarna organisation
    (its members), a contact point of RSS Dalarna (its overview) and a seat in a national network held on behalf
    of that organisation (the representatives of county 20). And one person managed by Stockholm and one by the
    national administrators, who must stay hidden from Dalarna."""
    stockholm_key = {"X-API-Key": stack.keys["county-01"]}
    family = unique("Synlighetsdotter")
    dalarna = create_person(gateway, county_key, given_name="Dala", family_name=family,
                            email=f"{family.lower()}@example.org", phone="+46 23 000 00 01")
    stockholm = create_person(gateway, stockholm_key, given_name="Sthlm", family_name=unique("Synlighetsson"),
                              email=f"{unique('sthlm')}@example.org", phone="+46 8 000 00 02")
    national = create_person(gateway, admin_key, given_name="Riks", family_name=unique("Synlighetsson"),
                             email=f"{unique('riks')}@example.org", phone="+46 10 000 00 03")
    organisation = create_organisation(gateway, county_key, name=unique("FoU Synlighet"), county_code="20")
    post = create_post(gateway, county_key, organisation_id=organisation["id"])
    contact_point = create_post(gateway, county_key, organisation_id="rss-20", role="contact_point")
    network = create_organisation(gateway, admin_key, name=unique("Nätverk Synlighet"), kind="national_network")
    seat = create_post(gateway, admin_key, organisation_id=network["id"], on_behalf_of_id=organisation["id"])
    stockholm_post = create_post(gateway, stockholm_key, organisation_id="rss-01", role="contact_point")
    national_post = create_post(gateway, admin_key, organisation_id=network["id"])
    # A Stockholm post that a national administrator gave to Dalarna's person: its audit event is Stockholm's.
    stockholm_seat = create_post(gateway, stockholm_key, organisation_id="rss-01")
    memberships = {}
    for key, held, holder in ((county_key, post, dalarna), (county_key, contact_point, dalarna),
                              (admin_key, seat, dalarna), (stockholm_key, stockholm_post, stockholm),
                              (admin_key, national_post, national), (admin_key, stockholm_seat, dalarna)):
        created = gateway.post("/actors/memberships", headers=key, json={
            "post_id": held["id"], "person_id": holder["id"], "valid_from": "2024-01-01"})
        assert created.status_code == 201, created.text
        memberships[held["id"]] = created.json()["id"]
    records = {"organisation": organisation["id"], "post": post["id"], "membership": memberships[post["id"]],
               "person": dalarna["id"], "rss": "rss-20", "network": network["id"], "behalf": organisation["id"],
               "county": "20", "family_name": family, "audited": memberships[stockholm_seat["id"]]}
    contacts = {"20": {dalarna["email"], dalarna["phone"]}, "01": {stockholm["email"], stockholm["phone"]},
                None: {national["email"], national["phone"]}}
    return {"records": records, "contacts": contacts, "dalarna": dalarna}


@pytest.fixture(scope="module")
def operations(gateway) -> list[Operation]:
    document = gateway.get("/openapi.json").json()
    found = [Operation(path, item["get"], document) for path, item in document["paths"].items() if "get" in item]
    chosen = [o for o in found if o.carries_people]
    paths = {o.path for o in chosen}
    assert {"/actors/memberships", "/actors/posts", "/actors/posts/{post_id}", "/actors/people",
            "/actors/people/{person_id}", "/actors/organisations/{organisation_id}/members",
            "/actors/representatives", "/actors/rss/{rss_id}", "/actors/exports/register", "/actors/audit",
            "/actors/exports/people.csv", "/actors/exports/memberships.csv", "/actors/exports/posts.csv"} <= paths, \
        sorted(paths)
    return chosen


def _shown_contacts(value: Any) -> Iterator[str]:
    """Every non-null e-mail or phone of an object in the answer that is a person (or a person's snapshot)."""
    if isinstance(value, dict):
        for key in CONTACT_KEYS:
            if value.get(key) is not None and "id" in value:
                yield f"{key}={value[key]}"
        for item in value.values():
            yield from _shown_contacts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _shown_contacts(item)


def _file_text(response: httpx.Response) -> tuple[str, list[str]]:
    """A file answer's text, and the non-empty cells of its e-mail and phone columns (a CSV's)."""
    if response.content.startswith(b"PK"):  # an XLSX workbook: its cells are XML inside the zip
        with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
            return " ".join(workbook.read(n).decode("utf-8", "replace") for n in workbook.namelist()), []
    text = response.content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    return text, [f"{column}={row[column]}" for row in rows for column in row
                  if column and column.endswith(CONTACT_KEYS) and row[column]]


def test_no_answer_carries_contacts_the_caller_may_not_see(gateway, stack, people, operations):
    checked = 0
    failures: list[str] = []
    for label, key_name, entitled in CALLERS:
        headers = {"X-API-Key": stack.keys[key_name]} if key_name else {}
        hidden = set().union(*(values for county, values in people["contacts"].items()
                               if entitled != "all" and county != entitled))
        for operation in operations:
            for url, query in operation.calls(people["records"]):
                response = gateway.get(url, params=query, headers=headers)
                if response.status_code != 200:
                    assert response.status_code in (401, 403, 404), (label, operation, query, response.text[:300])
                    continue
                checked += 1
                if operation.is_file and not response.headers["content-type"].startswith("application/json"):
                    text, shown = _file_text(response)
                else:
                    text, shown = response.text, list(_shown_contacts(response.json()))
                leaked = sorted(value for value in hidden if value in text)
                if entitled is None and shown:
                    leaked.append(f"{len(shown)} contact values, such as {shown[:3]}")
                if leaked:
                    failures.append(f"{label}: {operation} {query}: {leaked}")
    assert checked >= len(operations) * 2, checked
    assert not failures, "contacts shown to callers not entitled to them:\n" + "\n".join(failures)


@pytest.mark.parametrize("key_name", ["county-20", "skr-admin"])
def test_dalarna_and_the_national_administrators_see_dalarnas_person(gateway, stack, people, key_name):
    headers = {"X-API-Key": stack.keys[key_name]}
    records, email = people["records"], people["dalarna"]["email"]
    on = {"as_of": AS_OF}
    answers = {
        "person": gateway.get(f"/actors/people/{records['person']}", headers=headers),
        "people": gateway.get("/actors/people", params={"name": records["family_name"]}, headers=headers),
        "memberships": gateway.get("/actors/memberships", params={"person": records["person"]}, headers=headers),
        "post": gateway.get(f"/actors/posts/{records['post']}", params=on, headers=headers),
        "posts": gateway.get("/actors/posts", params={"organisation": records["organisation"], **on},
                             headers=headers),
        "members": gateway.get(f"/actors/organisations/{records['organisation']}/members", params=on,
                               headers=headers),
        "representatives": gateway.get("/actors/representatives", headers=headers, params={
            "county": "20", "network": records["network"], **on}),
        "rss": gateway.get("/actors/rss/rss-20", params=on, headers=headers),
        "register": gateway.get("/actors/exports/register", params=on, headers=headers),
        "people.csv": gateway.get("/actors/exports/people.csv", params=on, headers=headers),
        "memberships.csv": gateway.get("/actors/exports/memberships.csv", params=on, headers=headers),
        "audit": gateway.get("/actors/audit", params={"entity_id": records["person"]}, headers=headers),
    }
    missing = [name for name, answer in answers.items() if answer.status_code != 200 or email not in answer.text]
    assert not missing, missing


def test_stockholm_sees_its_own_people_and_not_dalarnas(gateway, stack, people):
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    overview = gateway.get("/actors/rss/rss-01", params={"as_of": AS_OF}, headers=stockholm).text
    assert all(value in overview for value in people["contacts"]["01"])
    dalarna = gateway.get("/actors/rss/rss-20", params={"as_of": AS_OF}, headers=stockholm).json()
    holders = [p["holder"] for p in dalarna["contact_points"] if p["holder"]]
    assert people["dalarna"]["id"] in {h["id"] for h in holders}
    assert all((h["email"], h["phone"]) == (None, None) for h in holders if h["id"] == people["dalarna"]["id"])
