"""Many callers at once through the real stack, each request carrying its own marker: every caller must get
its own answer, whatever the others do (uploads with Expect: 100-continue, uploads cut off half-way, requests
that run out of time, an upstream that dies mid-answer)."""

from __future__ import annotations

import json

import httpx

from tests.raw_http import RawConnection, request_head


def _upload_with_expect(port: int, key: str, marker: str, size: int) -> tuple[int, dict]:
    """A county's large upload as curl sends it: headers with Expect: 100-continue, the body after the 100."""
    body = json.dumps({"name": "x" * size, "valid_from": "2024-01-01"}).encode()
    with RawConnection(port) as conn:
        conn.send(request_head("POST", f"/actors/organisations/{marker}/names", {
            "X-API-Key": key, "Content-Type": "application/json", "Content-Length": str(len(body)),
            "Expect": "100-continue"}))
        status, _ = conn.read_head()
        assert status == 100, "the gateway must answer the caller's 100-continue itself"
        conn.send(body)
        answer = conn.read_response()
    return answer.status, json.loads(answer.body)


def test_an_upload_with_expect_100_continue_gets_its_own_answer_and_so_does_the_next_caller(stack, admin_key):
    port = stack.ports["gateway"]
    for n in range(3):
        status, problem = _upload_with_expect(port, admin_key["X-API-Key"], f"expect-upload-{n}", 1_500_000)
        assert status >= 400 and problem["instance"] == f"/organisations/expect-upload-{n}/names", problem
        after = httpx.get(f"{stack.gateway_url}/actors/organisations/after-upload-{n}", timeout=10)
        assert after.json()["instance"] == f"/organisations/after-upload-{n}", after.text
