"""When a service is down or slow the gateway answers quickly with problem+json; replicas share the load."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support import assert_problem, free_port, start_stack


class SilentServer:
    """Accepts connections and never answers: an upstream that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture(scope="module")
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def degraded(tmp_path_factory, new_database_url, silent_server):
    """Actors on two replicas; funding hangs (1 s limit, 2.5 s for bulk exchange); surveys points at a port nobody
    listens on."""
    closed_port = free_port()
    stack = start_stack(
        tmp_path_factory.mktemp("degraded"), new_database_url, extra_replicas={"actors": 1},
        extra_env={"GATEWAY_FUNDING_URL": f"http://127.0.0.1:{silent_server.port}",
                   "GATEWAY_FUNDING_TIMEOUT": "1", "GATEWAY_BULK_TIMEOUT": "2.5",
                   "GATEWAY_SURVEYS_URL": f"http://127.0.0.1:{closed_port}"},
    )
    yield stack
    stack.stop()


def test_an_upstream_that_is_down_gives_503_at_once(degraded):
    response = httpx.get(degraded.gateway_url + "/surveys/", timeout=5)
    body = assert_problem(response, 503)
    assert "surveys" in body["detail"]
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["x-request-id"]


def test_an_upstream_that_hangs_gives_504_after_its_time_limit(degraded):
    # The client allows 10 s; the gateway's limit for funding is 1 s, so it must answer first.
    body = assert_problem(httpx.get(degraded.gateway_url + "/funding/", timeout=10), 504)
    assert "1 s" in body["detail"]


def test_bulk_imports_and_exports_get_the_longer_bulk_time_limit(degraded):
    # A whole file may take minutes to import; the gateway waits the bulk limit for it, not the ordinary one.
    body = assert_problem(httpx.post(degraded.gateway_url + "/funding/imports/allocations", content=b"id\n",
                                     headers={"Content-Type": "text/csv", "X-API-Key": degraded.keys["skr-admin"]},
                                     timeout=10), 504)
    assert "2.5 s" in body["detail"]
    assert "2.5 s" in assert_problem(httpx.get(degraded.gateway_url + "/funding/exports/allocations.csv",
                                               timeout=10), 504)["detail"]


def test_readiness_names_the_services_that_are_not_ready(degraded):
    body = assert_problem(httpx.get(degraded.gateway_url + "/readyz", timeout=10), 503)
    assert "funding" in body["detail"] and "surveys" in body["detail"] and "actors" not in body["detail"]
    assert body["services"]["actors"][0]["ready"] is True


def test_requests_are_spread_over_replicas_round_robin(degraded):
    marker = "round-robin-check"
    for i in range(6):
        response = httpx.get(degraded.gateway_url + "/actors/counties/20", headers={"X-Request-ID": f"{marker}-{i}"})
        assert response.status_code == 200

    def served_by(log_name: str) -> set[str]:
        text = degraded.log_file(log_name).read_text(encoding="utf-8")
        return {json.loads(line)["request_id"] for line in text.splitlines() if marker in line}

    second_log = f"actors-{degraded.extra_replicas['actors'][0]}"
    for _ in range(50):  # each replica logs its access line just after answering
        served_by_first, served_by_second = served_by("actors"), served_by(second_log)
        if len(served_by_first) + len(served_by_second) == 6:
            break
        time.sleep(0.05)
    assert len(served_by_first) == len(served_by_second) == 3
    assert served_by_first.isdisjoint(served_by_second)


def test_a_replica_that_goes_down_is_skipped(degraded):
    degraded.stop(("actors-2",))
    statuses = [httpx.get(degraded.gateway_url + "/actors/counties/20").status_code for _ in range(6)]
    assert statuses == [200] * 6
