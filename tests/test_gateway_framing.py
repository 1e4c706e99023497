"""The gateway in front of a service that answers in odd but legal HTTP/1.1 ways (and some broken ones): every
caller gets its own answer, and after each odd answer the next callers still get theirs (HTTP/1.1 framing,
RFC 9112, in the gateway's forwarding client)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import httpx
import pytest

from deploy.stack import SERVICES, Stack
from tests.odd_upstream import OddUpstream
from tests.raw_http import RawConnection, request_head
from tests.support import assert_problem, free_port

_markers = itertools.count()


def marker(kind: str) -> str:
    return f"{kind}-{next(_markers)}"


@pytest.fixture(scope="module")
def upstream() -> Iterator[OddUpstream]:
    server = OddUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def odd_gateway(tmp_path_factory, upstream) -> Iterator[Stack]:
    """The real gateway (its own process, console log format) with the odd service behind /actors."""
    stack = Stack(data_dir=tmp_path_factory.mktemp("framing"), database_urls={},
                  ports={name: free_port() for name in (*SERVICES, "gateway")}, environment="test",
                  log_format="console", log_to_files=True,
                  extra_env={"GATEWAY_ACTORS_URL": upstream.url, "GATEWAY_ACTORS_TIMEOUT": "1"})
    stack.prepare_gateway()
    stack.start(("gateway",))
    stack.wait_ready()
    yield stack
    stack.stop()


@pytest.fixture()
def client(odd_gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=odd_gateway.gateway_url, timeout=10) as client:
        yield client


def get_own_answer(client: httpx.Client, path: str) -> httpx.Response:
    own = marker(path.strip("/").replace("/", "-"))
    response = client.get("/actors" + path, headers={"X-Request-ID": own})
    assert response.status_code == 200, response.text
    assert response.json() == {"marker": own, "target": path}
    return response


def assert_next_callers_get_their_own(client: httpx.Client) -> None:
    for _ in range(4):
        get_own_answer(client, "/plain")


@pytest.mark.parametrize("path", ["/interim", "/interim-together"])
def test_interim_answers_are_skipped_for_the_final_one(client, path):
    response = get_own_answer(client, path)
    assert "link" not in response.headers  # the 103's header belongs to no answer
    assert_next_callers_get_their_own(client)


@pytest.mark.parametrize("path", ["/chunked", "/close", "/until-close", "/trickle", "/extra-answer",
                                  "/head-after", "/garbage-after"])
def test_odd_but_whole_answers_reach_their_caller_and_the_next_callers_get_theirs(client, path):
    response = get_own_answer(client, path)
    assert "x-checksum" not in response.headers  # a trailer is not a header of the answer
    assert_next_callers_get_their_own(client)


def test_an_answer_arriving_on_an_idle_connection_is_nobodys_answer(client, upstream):
    get_own_answer(client, "/late-answer")
    for _ in range(100):  # until the service has written its stray answer on the idle connection
        if upstream.stray_answers_sent:
            break
        time.sleep(0.01)
    assert upstream.stray_answers_sent
    assert_next_callers_get_their_own(client)


@pytest.mark.parametrize(("path", "status", "header", "value"), [("/no-content", 204, "x-marker", "{}"),
                                                                  ("/not-modified", 304, "etag", '"{}"')])
def test_answers_without_a_body_end_at_their_head(client, path, status, header, value):
    own = marker(path.strip("/"))
    response = client.get("/actors" + path, headers={"X-Request-ID": own})
    assert response.status_code == status and response.content == b""
    assert response.headers[header] == value.format(own)
    assert "content-length" not in response.headers
    assert_next_callers_get_their_own(client)


def test_a_head_answer_has_no_body_whatever_its_length_says(client):
    own = marker("head")
    response = client.head("/actors/head", headers={"X-Request-ID": own})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["x-marker"] == own and response.headers["content-length"] == "4321"
    assert_next_callers_get_their_own(client)


def test_an_answer_cut_short_of_its_length_is_a_502_not_an_answer(client):
    body = assert_problem(client.get("/actors/cut-short"), 502)
    assert "actors" in body["detail"]
    assert_next_callers_get_their_own(client)


def test_a_large_answer_cut_short_while_streaming_is_aborted_for_its_caller(client):
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/actors/cut-short-large")
    assert_next_callers_get_their_own(client)


def test_a_switch_of_protocols_nobody_asked_for_is_a_502(client):
    assert_problem(client.get("/actors/switch-protocols"), 502)
    assert_next_callers_get_their_own(client)


def test_a_service_that_does_not_answer_in_time_gives_504_and_the_next_callers_their_answers(client):
    assert "1 s" in assert_problem(client.get("/actors/hang"), 504)["detail"]
    assert_next_callers_get_their_own(client)


def test_expect_100_continue_is_answered_by_the_gateway_and_not_forwarded(odd_gateway, upstream, client):
    own, body = marker("expect"), b"county,rows\n" * 80_000  # within the 1 MiB a JSON route takes
    with RawConnection(odd_gateway.ports["gateway"]) as conn:
        conn.send(request_head("POST", "/actors/interim", {
            "X-API-Key": odd_gateway.keys["county-20"], "X-Request-ID": own, "Content-Type": "text/csv",
            "Content-Length": str(len(body)), "Expect": "100-continue"}))
        assert conn.read_head()[0] == 100
        conn.send(body)
        answer = conn.read_response()
    assert (answer.status, answer.interim) == (200, [])
    assert httpx.Response(200, content=answer.body).json() == {"marker": own, "target": "/interim"}
    assert [b for _, _, m, b in upstream.received if m == own] == [body]
    assert "expect" not in upstream.headers_of(own)
    assert_next_callers_get_their_own(client)


def test_expect_100_continue_with_a_body_past_the_routes_limit_is_refused_before_it_is_sent(odd_gateway, upstream):
    own = marker("expect-too-large")
    with RawConnection(odd_gateway.ports["gateway"]) as conn:
        conn.send(request_head("POST", "/actors/interim", {
            "X-API-Key": odd_gateway.keys["county-20"], "X-Request-ID": own, "Content-Type": "text/csv",
            "Content-Length": str(20 * 1024 * 1024), "Expect": "100-continue"}))
        answer = conn.read_response()
    assert (answer.status, answer.interim) == (413, [])
    assert [m for _, _, m, _ in upstream.received if m == own] == []


def test_headers_the_caller_names_in_connection_stay_at_the_gateway(upstream, client):
    own = marker("connection-named")
    response = client.get("/actors/plain", headers={"X-Request-ID": own, "Connection": "keep-alive, X-Hop-Secret",
                                                    "X-Hop-Secret": "for the gateway only", "X-Kept": "yes"})
    assert response.status_code == 200
    received = upstream.headers_of(own)
    assert "x-hop-secret" not in received and received["x-kept"] == "yes"


def test_an_upload_cut_off_half_way_never_reaches_the_service(odd_gateway, upstream, client):
    own = marker("cut-off-upload")
    with RawConnection(odd_gateway.ports["gateway"]) as conn:
        conn.send(request_head("POST", "/actors/plain", {
            "X-API-Key": odd_gateway.keys["county-20"], "X-Request-ID": own, "Content-Type": "text/csv",
            "Content-Length": "200000"}) + b"county,rows\n" * 1000)
    log = odd_gateway.log_file("gateway")
    for _ in range(200):  # until the gateway has logged the request as given up by its caller
        if f"request_id={own}" in log.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)
    assert f"request_id={own} method=POST path=/actors/plain status=499" in log.read_text(encoding="utf-8")
    assert own not in upstream.markers_received()
    assert_next_callers_get_their_own(client)


def test_a_percent_encoded_service_name_reaches_the_same_path(client, upstream):
    own = marker("encoded")
    response = client.get("/%61ctors/plain", headers={"X-Request-ID": own})
    assert response.json() == {"marker": own, "target": "/plain"}
    own = marker("encoded-inside")
    assert client.get("/actors/%70lain?a=%2F", headers={"X-Request-ID": own}).json()["target"] == "/%70lain?a=%2F"


def test_an_encoded_slash_in_the_service_name_is_a_404_problem(client, upstream):
    own = marker("encoded-slash")
    assert_problem(client.get("/actors%2Fplain", headers={"X-Request-ID": own}), 404)
    assert own not in upstream.markers_received()


def test_a_path_with_a_line_break_cannot_forge_a_log_line(client, odd_gateway):
    own = marker("log-line")
    forged = "2001-01-01T00:00:00Z [info     ] request  request_id=forged"
    client.get("/actors/plain%0A" + forged.replace(" ", "%20").replace("[", "%5B").replace("]", "%5D"),
               headers={"X-Request-ID": own})
    log = odd_gateway.log_file("gateway")
    for _ in range(200):
        if f"request_id={own}" in log.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("2001-01-01") for line in lines)
    assert any(f"request_id={own}" in line and "plain\\x0a2001-01-01" in line for line in lines)
