"""Funding asks the actor registry through the gateway, with its own key: receivers and signatories are checked
on the day, the caller's request id travels along, answers with an ETag are revalidated rather than fetched
again (reference data once the lifetime the registry gives it has passed), and when the registry cannot be
reached a write that needs it answers 503 and stores nothing while reads go on."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta

import httpx
import orjson

from shared.identity import Role
from shared.service_client import PlatformClient
from tests.funding_requests import (
    DALARNA,
    allocate,
    allocations_url,
    create_agreement,
    dalarna_population_split,
    key,
    receiver_allocation,
    register_receiver,
    requisition,
    unique,
)
from tests.support import assert_problem, identity_header, service_without_registry


def actors_log_lines(stack, request_id: str) -> list[dict]:
    lines = stack.log_file("actors").read_text(encoding="utf-8").splitlines()
    return [entry for entry in map(orjson.loads, filter(None, lines)) if entry.get("request_id") == request_id]


def test_the_callers_request_id_reaches_the_registry(stack, gateway, admin_key, county_key):
    _agreement, allocation = receiver_allocation(gateway, admin_key)
    request_id = unique("trace-requisition")
    created = gateway.post("/funding/requisitions", json=requisition(allocation, "100.00"),
                           headers={**county_key, **key(), "X-Request-ID": request_id})
    assert created.status_code == 201, created.text
    assert created.json()["receiver_org_number"] == allocation["receivers"]["20"]["org_number"]
    wanted = {f"/organisations/{allocation['receivers']['20']['id']}", "/posts"}
    for _ in range(100):  # the registry's log lines are written by another process: wait until they are there
        paths = {entry.get("path") for entry in actors_log_lines(stack, request_id)}
        if wanted <= paths:
            break
        time.sleep(0.05)
    assert wanted <= paths


def test_a_kept_answer_is_revalidated_with_its_etag(stack):
    async def twice() -> tuple[bool, bool, int]:
        client = PlatformClient(stack.gateway_url, stack.service_keys["service-funding"])
        params = {"county": "01", "network": "network-rss", "as_of": "2019-11-01"}
        try:
            first = await client.get("/actors/representatives", params, what="representatives")
            second = await client.get("/actors/representatives", params, what="representatives")
            assert second.body == first.body and first.etag
            return first.revalidated, second.revalidated, client.counts.not_modified
        finally:
            await client.aclose()

    assert asyncio.run(twice()) == (False, True, 1)


def registry_calls(stack, request_id: str, path: str) -> list[int]:
    """The statuses the registry answered `path` with for the funding request `request_id`."""
    for _ in range(100):  # written by another process: wait until they are there
        statuses = [entry["status"] for entry in actors_log_lines(stack, request_id) if entry.get("path") == path]
        if statuses:
            return statuses
        time.sleep(0.05)
    return []


def test_the_registrys_municipalities_are_reused_for_their_lifetime_then_revalidated(stack):
    """The list says how long it stays fresh (Cache-Control: max-age); within that the client asks nothing, after
    it the client revalidates with the ETag and the registry answers 304."""
    now = [1000.0]

    async def over_time() -> list[tuple[bool, bool, int, int, int]]:
        client = PlatformClient(stack.gateway_url, stack.service_keys["service-funding"], clock=lambda: now[0])
        seen = []
        try:
            for step in (0, 30, 31, 30):  # 0 s, 30 s, 61 s (past the minute), 91 s
                now[0] += step
                answer = await client.get("/actors/municipalities", {"limit": 500}, what="municipalities")
                assert len(answer.body["items"]) == 290
                counts = client.counts
                seen.append((answer.fresh, answer.revalidated, counts.sent, counts.not_modified, counts.fresh))
            return seen
        finally:
            await client.aclose()

    first = httpx.get(stack.gateway_url + "/actors/municipalities", params={"limit": 500},
                      headers={"X-API-Key": stack.service_keys["service-funding"]})
    assert first.headers["cache-control"] == "max-age=60" and first.headers["etag"]
    assert asyncio.run(over_time()) == [(False, False, 1, 0, 0), (True, False, 1, 0, 1), (False, True, 2, 1, 1),
                                        (True, False, 2, 1, 2)]


def test_a_second_preview_within_the_lifetime_asks_the_registry_nothing(stack, gateway, admin_key):
    agreement = create_agreement(gateway, admin_key, key_name="population")
    body = {"total": "1000000.00", "key": "population", "basis_year": 2023, "rounding": "ore",
            "recipients": [{"id": code} for code, *_ in DALARNA]}
    answers, request_ids = [], []
    for _ in range(2):
        request_ids.append(unique("trace-preview"))
        answer = gateway.post(allocations_url(agreement) + "/preview", json=body,
                              headers={**admin_key, "X-Request-ID": request_ids[-1]})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
    assert answers[0] == answers[1]
    # The registry logs in the order it answers: once a later request is in its log, so would the preview's be.
    marker = unique("trace-marker")
    assert gateway.get("/actors/counties", headers={**admin_key, "X-Request-ID": marker}).status_code == 200
    assert registry_calls(stack, marker, "/counties") == [200]
    # The first preview fetched the list, revalidated it, or found it fresh from an earlier request; the second,
    # within the list's minute, did not ask.
    assert [e.get("path") for e in actors_log_lines(stack, request_ids[0])] in ([], ["/municipalities"])
    assert actors_log_lines(stack, request_ids[1]) == []


def test_an_organisation_on_a_date_answers_304_while_its_version_holds(gateway, admin_key):
    fresh = register_receiver(gateway, admin_key)
    url = f"/actors/organisations/{fresh['id']}"
    on = {"as_of": date.today().isoformat()}
    first = gateway.get(url, params=on, headers=admin_key)
    etag = first.headers["etag"]
    again = gateway.get(url, params=on, headers={**admin_key, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    # Without a date the answer also follows today's date, so it is sent whole.
    assert gateway.get(url, headers={**admin_key, "If-None-Match": etag}).status_code == 200
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    renamed = gateway.post(url + "/names", json={"name": unique("Nytt namn"), "valid_from": tomorrow},
                           headers={**admin_key, "If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    changed = gateway.get(url, params=on, headers={**admin_key, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_a_closed_receiver_and_someone_without_the_signatory_post_are_refused(gateway, admin_key, county_key):
    agreement = create_agreement(gateway, admin_key)
    fresh = register_receiver(gateway, admin_key)
    allocation = allocate(gateway, admin_key, agreement, {"total": "1000.00", "key": "equal",
                                                          "recipients": [{"id": fresh["id"]}]})
    allocation["receivers"] = {"20": fresh}
    stranger = register_receiver(gateway, admin_key)["signatory"]
    assert_problem(gateway.post("/funding/requisitions", json=requisition(allocation, "10.00", signed_by=stranger),
                                headers={**county_key, **key()}), 422, field="body.signed_by",
                   rule="signatory_of_receiver")
    url = f"/actors/organisations/{fresh['id']}"
    etag = gateway.get(url, headers=admin_key).headers["etag"]
    closed = gateway.post(url + "/close", json={"valid_to": date.today().isoformat()},
                          headers={**admin_key, "If-Match": etag})
    assert closed.status_code == 200, closed.text
    assert_problem(gateway.post("/funding/requisitions", json=requisition(allocation, "10.00"),
                                headers={**county_key, **key()}), 422, field="body.recipient_id",
                   rule="receiver_open_on_date")
    assert_problem(gateway.post(allocations_url(agreement) + "/preview", json={
        "total": "1000.00", "key": "equal", "recipients": [{"id": fresh["id"]}]}, headers=admin_key), 422,
        field="body.recipients.0.id", rule="receiver_open_on_date")
    entries = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=admin_key).json()["entries"]
    assert [e["entry_type"] for e in entries] == ["commitment", "allocation"]


def test_without_the_registry_writes_that_need_it_answer_503_and_reads_go_on(stack, gateway, admin_key):
    agreement = create_agreement(gateway, admin_key)
    with service_without_registry(stack, "funding") as base:
        admin = identity_header(stack.secret, role=Role.NATIONAL_ADMIN, county=None, audience="funding",
                                subject="skr-national-admin")
        body = {"id": unique("alloc"), **dalarna_population_split()}
        refused = httpx.post(base + allocations_url(agreement).removeprefix("/funding"), json=body,
                             headers={**admin, **key()})
        problem = assert_problem(refused, 503)
        assert "registry" in problem["detail"] or "platform" in problem["detail"]
        assert refused.headers["retry-after"]
        read = httpx.get(f"{base}/agreements/{agreement['id']}", headers=admin)
        assert read.status_code == 200 and read.json()["lines"][0]["total"] == "4000000.00"
    assert gateway.get(f"/funding/allocations/{body['id']}", headers=admin_key).status_code == 404
    entries = gateway.get(f"/funding/agreements/{agreement['id']}/ledger", headers=admin_key).json()["entries"]
    assert [e["entry_type"] for e in entries] == ["commitment"]
