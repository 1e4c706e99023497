"""Small keyword-only helpers that create registry records through the gateway for the tests."""

from __future__ import annotations

import uuid

import httpx


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_organisation(gateway: httpx.Client, headers: dict[str, str], *, name: str, kind: str = "rd_unit",
                        county_code: str | None = None, id: str | None = None, **extra) -> dict:
    body = {"id": id or unique("test-org"), "kind": kind, "name": name, "county_code": county_code, **extra}
    response = gateway.post("/actors/organisations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_relation(gateway: httpx.Client, headers: dict[str, str], *, kind: str, subject: str, obj: str,
                    **extra) -> httpx.Response:
    return gateway.post("/actors/relations", headers=headers,
                        json={"kind": kind, "subject_id": subject, "object_id": obj, **extra})


def create_person(gateway: httpx.Client, headers: dict[str, str], *, given_name: str = "Testa",
                  family_name: str = "Testsson", **extra) -> dict:
    response = gateway.post("/actors/people", headers=headers,
                            json={"given_name": given_name, "family_name": family_name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def create_post(gateway: httpx.Client, headers: dict[str, str], *, organisation_id: str,
                role: str = "ordinary_member", **extra) -> dict:
    response = gateway.post("/actors/posts", headers=headers,
                            json={"organisation_id": organisation_id, "role": role, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def with_etag(headers: dict[str, str], response: httpx.Response) -> dict[str, str]:
    return {**headers, "If-Match": response.headers["etag"]}
