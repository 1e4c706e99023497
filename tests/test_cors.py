"""A browser app on another origin reads the API where the gateway allows its origin, and is refused where it does
not: real pages, served from two other ports, in Chromium (a page's fetch with an API key is preflighted)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support import free_port, start_stack

PAGE = b"<!doctype html><html lang='sv'><meta charset='utf-8'><title>L\xc3\xa4nets app</title><body></body></html>"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


def _serve(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def origins() -> Iterator[dict[str, str]]:
    allowed, other = _serve(free_port()), _serve(free_port())
    yield {"allowed": f"http://127.0.0.1:{allowed.server_port}", "other": f"http://127.0.0.1:{other.server_port}"}
    allowed.shutdown()
    other.shutdown()


@pytest.fixture(scope="module")
def cors_stack(tmp_path_factory, new_database_url, origins):
    # Made before the browser (the tests name it first): Playwright's sync API runs an event loop in this
    # thread, and making a PostgreSQL database runs one of its own.
    stack = start_stack(tmp_path_factory.mktemp("cors"), new_database_url,
                        extra_env={"GATEWAY_CORS_ORIGINS": origins["allowed"]})
    yield stack
    stack.stop()


FETCH = """async ([url, key]) => {
  try {
    const response = await fetch(url, {headers: {"X-API-Key": key}});
    return {status: response.status, body: await response.json(), etag: response.headers.get("ETag"),
            requestId: response.headers.get("X-Request-ID")};
  } catch (error) { return {refused: String(error)}; }
}"""


def test_a_page_on_an_allowed_origin_reads_the_api_with_its_key(cors_stack, origins, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(origins["allowed"])
    answer = page.evaluate(FETCH, [cors_stack.gateway_url + "/actors/municipalities/2080",
                                   cors_stack.keys["county-20"]])
    assert answer.get("status") == 200, answer
    assert answer["body"]["name"] == "Falun" and answer["body"]["county_name"] == "Dalarnas län"
    assert answer["requestId"], "exposed headers are readable by the page"
    whoami = page.evaluate(FETCH, [cors_stack.gateway_url + "/whoami", cors_stack.keys["county-20"]])
    assert whoami.get("body", {}).get("county_code") == "20", whoami


def test_a_page_on_another_origin_is_refused_by_the_browser(cors_stack, origins, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(origins["other"])
    answer = page.evaluate(FETCH, [cors_stack.gateway_url + "/actors/municipalities/2080",
                                   cors_stack.keys["county-20"]])
    assert "refused" in answer and "status" not in answer, answer


def test_the_preflight_names_what_the_platform_reads_and_only_for_allowed_origins(cors_stack, origins):
    url = cors_stack.gateway_url + "/funding/requisitions"
    asked = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "x-api-key, content-type, idempotency-key, x-tracking-cookie"}
    allowed = httpx.options(url, headers={"Origin": origins["allowed"], **asked})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == origins["allowed"]
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert allowed.headers["access-control-allow-headers"] == "x-api-key, content-type, idempotency-key"
    refused = httpx.options(url, headers={"Origin": origins["other"], **asked})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert not [h for h in refused.headers if h.startswith("access-control-allow")]
    plain = httpx.get(cors_stack.gateway_url + "/actors/counties/20", headers={"Origin": origins["other"]})
    assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers
