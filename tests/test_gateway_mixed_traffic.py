"""Many callers at once through the real stack, each request carrying its own marker: every caller must get
its own answer, whatever the others do (uploads with Expect: 100-continue, uploads cut off half-way, requests
that run out of time, a service that dies mid-answer). Zero mix-ups is the only passing result."""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.odd_upstream import OddUpstream
from tests.raw_http import RawConnection, request_head
from tests.support import assert_problem, start_stack

ROUNDS = 12  # each round sends every kind of request once; all rounds run at once over WORKERS threads
WORKERS = 16
TIME_LIMIT = 120.0  # seconds for the whole mixture, so a hung gateway fails the test instead of stalling it


def _upload_with_expect(port: int, key: str, marker: str, size: int) -> tuple[int, dict]:
    """A county's large upload as curl sends it: headers with Expect: 100-continue, the body after the 100."""
    body = json.dumps({"name": "x" * size, "valid_from": "2024-01-01"}).encode()
    with RawConnection(port) as conn:
        conn.send(request_head("POST", f"/actors/organisations/{marker}/names", {
            "X-API-Key": key, "X-Request-ID": marker, "Content-Type": "application/json",
            "Content-Length": str(len(body)), "Expect": "100-continue"}))
        status, _ = conn.read_head()
        assert status == 100, "the gateway must answer the caller's 100-continue itself"
        conn.send(body)
        answer = conn.read_response()
    assert answer.headers["x-request-id"] == marker
    return answer.status, json.loads(answer.body)


def test_an_upload_with_expect_100_continue_gets_its_own_answer_and_so_does_the_next_caller(stack, admin_key):
    port = stack.ports["gateway"]
    for n in range(3):
        status, problem = _upload_with_expect(port, admin_key["X-API-Key"], f"expect-upload-{n}", 900_000)
        assert status >= 400 and problem["instance"] == f"/actors/organisations/expect-upload-{n}/names", problem
        after = httpx.get(f"{stack.gateway_url}/actors/organisations/after-upload-{n}", timeout=10)
        assert after.json()["instance"] == f"/actors/organisations/after-upload-{n}", after.text


def test_a_percent_encoded_service_name_reaches_the_same_answer(gateway):
    plain = gateway.get("/actors/counties/20")
    encoded = gateway.get("/%61ctors/counties/20")
    assert encoded.status_code == plain.status_code == 200
    assert encoded.json() == plain.json()


@pytest.mark.parametrize("path", ["/%61ctors/counties", "/actors/%63ounties/%32%30", "/actors//counties",
                                  "/actors/counties/%2e%2e/municipalities", "/actors%2Fcounties", "/actors/%00",
                                  "/actors/counties/20%0A", "/%61ctors"])
def test_every_error_the_gateway_passes_on_is_problem_json(gateway, path):
    response = gateway.get(path)
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
    else:
        assert response.headers["content-type"] == "application/json"


# --- the mixture --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odd_funding() -> Iterator[OddUpstream]:
    server = OddUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def mixed_stack(tmp_path_factory, new_database_url, odd_funding):
    """The real actors service behind the gateway; /funding is a raw-socket service that can hang or break off
    its answers (1 s time limit)."""
    stack = start_stack(tmp_path_factory.mktemp("mixed"), new_database_url,
                        extra_env={"GATEWAY_FUNDING_URL": odd_funding.url, "GATEWAY_FUNDING_TIMEOUT": "1"})
    yield stack
    stack.stop()


class Mixture:
    """The kinds of request, each checking that the answer it got is its own."""

    def __init__(self, stack, client: httpx.Client, county_codes: list[str]) -> None:
        self.stack, self.client, self.county_codes = stack, client, county_codes
        self.port = stack.ports["gateway"]
        self.admin = stack.keys["skr-admin"]
        self.abandoned: list[str] = []
        self._lock = threading.Lock()

    def get(self, path: str, marker: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        response = self.client.get(path, headers={"X-Request-ID": marker}, **kwargs)
        assert response.headers["x-request-id"] == marker
        return response

    def county(self, marker: str) -> None:
        code = random.choice(self.county_codes)
        assert self.get(f"/actors/counties/{code}", marker).json()["code"] == code

    def unknown_organisation(self, marker: str) -> None:
        path = f"/actors/organisations/{marker}"
        assert self.get(path, marker).json()["instance"] == path

    def large_body(self, marker: str) -> None:
        body = json.dumps({"name": "y" * 800_000, "valid_from": "2024-01-01"})
        response = self.client.post(f"/actors/organisations/{marker}/names", content=body,
                                    headers={"X-Request-ID": marker, "X-API-Key": self.admin,
                                             "Content-Type": "application/json"})
        assert response.status_code >= 400 and response.json()["instance"] == f"/actors/organisations/{marker}/names"

    def expect_continue(self, marker: str) -> None:
        status, problem = _upload_with_expect(self.port, self.admin, marker, 800_000)
        assert status >= 400 and problem["instance"] == f"/actors/organisations/{marker}/names", problem

    def abandoned_upload(self, marker: str) -> None:
        service = random.choice(("actors/organisations", "funding/plain"))
        with RawConnection(self.port) as conn:
            conn.send(request_head("POST", f"/{service}/{marker}", {
                "X-API-Key": self.admin, "X-Request-ID": marker, "Content-Type": "text/csv",
                "Content-Length": "500000"}) + b"county,amount\n" * 2000)
        with self._lock:
            self.abandoned.append(marker)

    def timed_out(self, marker: str) -> None:
        assert "1 s" in assert_problem(self.get(f"/funding/hang/{marker}", marker), 504)["detail"]

    def broken_off(self, marker: str) -> None:
        assert_problem(self.get(f"/funding/cut-short/{marker}", marker), 502)

    def broken_off_while_streaming(self, marker: str) -> None:
        with pytest.raises(httpx.RemoteProtocolError):
            self.get(f"/funding/cut-short-large/{marker}", marker)

    def odd_but_whole(self, marker: str) -> None:
        kind = random.choice(("plain", "interim", "chunked", "trickle", "extra-answer", "slow", "close",
                              "no-content"))
        response = self.get(f"/funding/{kind}/{marker}", marker)
        if kind == "no-content":
            assert response.status_code == 204 and response.headers["x-marker"] == marker
        else:
            assert response.json() == {"marker": marker, "target": f"/{kind}/{marker}"}

    def kinds(self) -> list[Callable[[str], None]]:
        return [self.county, self.county, self.unknown_organisation, self.large_body, self.expect_continue,
                self.abandoned_upload, self.timed_out, self.broken_off, self.broken_off_while_streaming,
                self.odd_but_whole, self.odd_but_whole, self.county]


def test_concurrent_mixed_traffic_gives_every_caller_its_own_answer(mixed_stack, odd_funding):
    counter = itertools.count()
    mix_ups: list[str] = []
    started = time.monotonic()
    with httpx.Client(base_url=mixed_stack.gateway_url, timeout=15,
                      limits=httpx.Limits(max_connections=WORKERS)) as client:
        counties = client.get("/actors/counties", params={"limit": 100}).json()["items"]
        mixture = Mixture(mixed_stack, client, [c["code"] for c in counties])

        def run(kind: Callable[[str], None]) -> None:
            marker = f"mix-{kind.__name__.replace('_', '-')}-{next(counter)}"
            if time.monotonic() - started > TIME_LIMIT:
                mix_ups.append(f"{marker}: not sent, the mixture ran past {TIME_LIMIT:g} s")
                return
            try:
                kind(marker)
            except Exception as exc:  # noqa: BLE001 (every failure of every caller is reported)
                mix_ups.append(f"{marker}: {type(exc).__name__}: {exc}"[:400])

        requests = [kind for _ in range(ROUNDS) for kind in mixture.kinds()]
        random.Random(20).shuffle(requests)
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(run, requests))
        # After the storm, quiet callers still get their own answers.
        for _ in range(5):
            run(mixture.county)
            run(mixture.odd_but_whole)

    assert not mix_ups, (f"{len(mix_ups)} of {len(requests) + 10} callers did not get their own answer:\n"
                         + "\n".join(sorted(mix_ups)[:60]))
    funding_abandoned = [m for m in mixture.abandoned if m in odd_funding.markers_received()]
    assert funding_abandoned == [], "uploads cut off half-way reached the service"
