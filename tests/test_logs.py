"""What an operator reads in the logs: a refused request's line says which rule and field, and every library's
lines (httpx, uvicorn) come through the same structured logger with the request id."""

from __future__ import annotations

import json
import time
import uuid

from tests.surveys_requests import open_round


def lines_of(stack, service: str) -> list[dict]:
    out = []
    for line in stack.log_file(service).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"unstructured": line})
    return out


def line_of(stack, service: str, request_id: str, event: str) -> dict:
    """The service writes its access line once the answer has gone out, so the line can land a moment after the
    caller has its answer: wait for it (at most five seconds) rather than read the file once."""
    deadline = time.monotonic() + 5
    while True:
        found = [e for e in lines_of(stack, service) if e.get("request_id") == request_id and e.get("event") == event]
        if found or time.monotonic() > deadline:
            assert found, f"no {event!r} line for {request_id} in the {service} log"
            return found[0]
        time.sleep(0.05)


def test_a_refused_request_is_logged_with_its_rule_and_field(stack, gateway, county_key):
    request_id = f"log-{uuid.uuid4().hex[:12]}"
    response = gateway.post("/actors/organisations", json={"id": "x", "kind": "rd_unit", "name": ""},
                            headers={**county_key, "X-Request-ID": request_id})
    assert response.status_code == 422
    line = line_of(stack, "actors", request_id, "request")
    assert (line["status"], line["problem"]) == (422, "validation-error")
    assert line["field"].startswith("body.") and line["rule"]


def test_library_lines_carry_the_request_id_and_are_structured(stack, gateway, admin_key):
    request_id = f"log-{uuid.uuid4().hex[:12]}"
    open_round(gateway, {**admin_key, "X-Request-ID": request_id})  # surveys reads the registry over httpx
    lines = lines_of(stack, "surveys")
    assert not [e for e in lines if "unstructured" in e], "every line of the service's log is JSON"
    calls = [e for e in lines if e.get("logger") == "httpx" and e.get("request_id") == request_id]
    assert calls, "the registry calls made for the request are logged with its request id"
