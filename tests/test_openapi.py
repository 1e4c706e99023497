"""One OpenAPI document for the platform, usable by client generators; docs in a browser."""

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from openapi_spec_validator import validate

from tests.support import assert_problem, free_port, start_stack


def test_the_aggregated_document_is_valid_openapi(gateway):
    validate(gateway.get("/openapi.json").json())


def test_every_service_operation_is_under_its_public_path(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]

    for path in ("/actors/counties", "/actors/counties/{code}", "/actors/municipalities",
                 "/actors/municipalities/{code}", "/actors/", "/funding/", "/surveys/", "/whoami"):
        assert path in paths, f"{path} missing from the aggregated document"
    assert not any(p.endswith(("/healthz", "/readyz")) and p.count("/") > 1 for p in paths), \
        "internal service health endpoints leaked into the public document"


def test_operation_ids_are_unique_and_keys_are_documented(gateway):
    doc = gateway.get("/openapi.json").json()
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()
           if isinstance(op, dict) and "operationId" in op]

    assert len(ids) == len(set(ids))
    # Short, domain-named and stable: a route function's name in lower camel case, never a service prefix added
    # because two services named an operation alike, never FastAPI's path-derived default.
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", i) and len(i) <= 30 for i in ids), ids
    assert not [i for i in ids if i.startswith(("actors", "funding", "surveys", "reporting"))]
    for expected in ("createAllocation", "exportCountySharesXlsx", "getOrganisation", "createResponse",
                     "moveRequisition"):
        assert expected in ids
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"


def test_docs_page_is_served(gateway):
    response = gateway.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text and "/openapi.json" in response.text


class SwitchableDocumentServer:
    """A service stand-in that serves a real service's OpenAPI document until it is switched off."""

    def __init__(self, document: dict) -> None:
        self.serving = True
        body = json.dumps(document).encode()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                if not outer.serving:
                    self.send_response(503)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                payload = body if self.path == "/openapi.json" else b'{"status":"ready"}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def flaky_surveys(stack) -> Iterator[SwitchableDocumentServer]:
    server = SwitchableDocumentServer(httpx.get(stack.service_url("surveys") + "/openapi.json").json())
    server.serving = False
    yield server
    server.close()


def test_the_gateway_never_serves_a_document_missing_a_service(tmp_path_factory, new_database_url, flaky_surveys):
    other = start_stack(tmp_path_factory.mktemp("partial-openapi"), new_database_url,
                        extra_env={"GATEWAY_SURVEYS_URL": flaky_surveys.url, "GATEWAY_OPENAPI_CACHE_SECONDS": "0"})
    try:
        with httpx.Client(base_url=other.gateway_url, timeout=30) as client:
            body = assert_problem(client.get("/openapi.json"), 503)
            assert body["unavailable_services"] == ["surveys"]

            flaky_surveys.serving = True
            whole = client.get("/openapi.json").json()
            assert "/surveys/" in whole["paths"] and "/actors/organisations" in whole["paths"]

            flaky_surveys.serving = False
            again = client.get("/openapi.json")
            assert again.status_code == 200
            assert again.json()["paths"].keys() == whole["paths"].keys(), "the last whole document is served"
    finally:
        other.stop()


def test_a_schema_that_refers_to_a_renamed_schema_is_renamed_too():
    """Two services each with their own `Event` and a `Page` of it written alike: each page keeps its own events."""
    from gateway.openapi import merge_documents

    def service(fields: list[str]) -> dict:
        return {"paths": {"/events": {"get": {"operationId": f"list{len(fields)}", "responses": {"200": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}}},
                "components": {"schemas": {
                    "Event": {"type": "object", "properties": {name: {"type": "string"} for name in fields}},
                    "Page": {"type": "object", "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}}}}}

    merged = merge_documents({"paths": {}}, {"actors": service(["who"]), "surveys": service(["who", "round"])},
                             title="t", version="1")

    def events_of(path: str) -> list[str]:
        page = merged["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        page_schema = merged["components"]["schemas"][page["$ref"].rsplit("/", 1)[-1]]
        event = page_schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]
        return sorted(merged["components"]["schemas"][event]["properties"])

    assert events_of("/actors/events") == ["who"]
    assert events_of("/surveys/events") == ["round", "who"]
