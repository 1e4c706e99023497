"""Routing, passthrough and request ids: what a county system sees of the gateway."""

import json
import time

import httpx

from gateway.proxy import STREAM_THRESHOLD
from shared.identity import Role
from tests.support import assert_problem, identity_header


def test_each_prefix_reaches_its_service(gateway, county_key):
    for name in ("actors", "funding", "surveys", "reporting"):
        assert gateway.get(f"/{name}/", headers=county_key).json()["service"] == name


def test_query_strings_reach_the_service_unchanged(gateway):
    response = gateway.get("/actors/municipalities?county=20&name=S%C3%A4ter&limit=3")
    assert [m["name"] for m in response.json()["items"]] == ["Säter"]


def test_upstream_errors_pass_through_unchanged(gateway, stack, county_key):
    via_gateway = gateway.get("/actors/municipalities/2099", headers=county_key)
    # The gateway tells the service its public prefix; a direct caller that says the same gets the same bytes.
    direct = httpx.get(stack.service_url("actors") + "/municipalities/2099",
                       headers={**identity_header(stack.secret), "x-forwarded-prefix": "/actors"})

    assert via_gateway.status_code == direct.status_code == 404
    assert via_gateway.headers["content-type"] == direct.headers["content-type"] == "application/problem+json"
    assert via_gateway.content == direct.content
    assert via_gateway.json()["instance"] == "/actors/municipalities/2099"


def test_a_method_the_service_does_not_allow_passes_through_as_405(gateway, admin_key):
    response = gateway.post("/actors/municipalities/2080", headers=admin_key, json={"name": "Falun"})
    assert_problem(response, 405)


def test_unknown_paths_are_problem_json(gateway):
    assert_problem(gateway.get("/nothing-here"), 404)


def test_the_gateway_creates_a_request_id_and_echoes_a_callers(gateway):
    created = gateway.get("/actors/counties/20").headers["x-request-id"]
    echoed = gateway.get("/actors/counties/20", headers={"X-Request-ID": "county-20-sync-0001"})
    junk = gateway.get("/actors/counties/20", headers={"X-Request-ID": "bad id with spaces"})

    assert len(created) == 32
    assert echoed.headers["x-request-id"] == "county-20-sync-0001"
    assert junk.headers["x-request-id"] != "bad id with spaces"


def test_the_request_id_reaches_the_service_log(gateway, stack, county_key):
    request_id = f"trace-{time.time_ns()}"
    gateway.get("/actors/municipalities/2080", headers={**county_key, "X-Request-ID": request_id})

    lines = []
    for _ in range(50):  # the service writes its access line as the response leaves
        lines = [json.loads(line) for line in stack.log_file("actors").read_text(encoding="utf-8").splitlines()
                 if request_id in line]
        if lines:
            break
        time.sleep(0.05)
    assert lines, "the request id never appeared in the actors log"
    entry = lines[-1]
    assert entry["request_id"] == request_id
    assert (entry["path"], entry["status"], entry["caller"]) == ("/municipalities/2080", 200, "county-20-dalarna")


def test_gateway_health_and_readiness(gateway):
    assert gateway.get("/healthz").json()["status"] == "ok"
    ready = gateway.get("/readyz").json()
    assert ready["status"] == "ready"
    assert set(ready["services"]) == {"actors", "funding", "surveys", "reporting", "dashboard"}


def test_large_responses_stream_through_unchanged(gateway, stack, admin_key):
    via_gateway = gateway.get("/actors/exports/register", headers=admin_key)
    direct = httpx.get(stack.service_url("actors") + "/exports/register",
                       headers=identity_header(stack.secret, role=Role.NATIONAL_ADMIN, county=None), timeout=30)

    assert via_gateway.status_code == 200
    assert len(via_gateway.content) > STREAM_THRESHOLD  # larger than the gateway sends in one piece
    assert via_gateway.json()["organisations"] == direct.json()["organisations"]


def test_head_requests_get_the_services_answer_without_a_body(gateway):
    response = gateway.head("/actors/counties/20")
    assert response.status_code == 405  # the service answers GET only; its answer passes through
    assert response.content == b""
    assert gateway.get("/actors/counties/20").status_code == 200  # the connection after a HEAD still works
