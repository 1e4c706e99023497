"""One OpenAPI document for the whole platform: every service's operations under their public paths."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from gateway import VERSION
from shared.openapi_document import distinct_titles

if TYPE_CHECKING:
    from gateway.app import Gateway

INTERNAL_PATHS = frozenset({"/healthz", "/readyz"})
RETRY_SECONDS = 2.0
SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "A key issued to a county system, a national administrator or the dashboard."},
    "Bearer": {"type": "http", "scheme": "bearer", "description": "The same API key as a bearer token."},
}


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                name = value.rsplit("/", 1)[1]
                out[key] = "#/components/schemas/" + renames.get(name, name)
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}
_GATEWAY_STATUSES = {
    429: "A rate limit is spent (RateLimit-Policy names it): wait Retry-After seconds.",
    502: "The service closed the connection or answered invalid HTTP; a write may or may not have taken effect.",
    503: "No replica of the service is reachable: try again after Retry-After seconds.",
    504: "The service did not answer within its time limit.",
}
_RATE_HEADERS = {
    "RateLimit": {"description": "The caller's remaining budget (draft-ietf-httpapi-ratelimit-headers).",
                  "schema": {"type": "string"}},
    "RateLimit-Policy": {"description": "The budget that applies: its quota and window.", "schema": {"type": "string"}},
    "X-Request-ID": {"description": "The request's id, also in the services' logs.", "schema": {"type": "string"}},
}
_RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "string"}}


def _declare_gateway_answers(operation: dict[str, Any], statuses: tuple[int, ...] = tuple(_GATEWAY_STATUSES)) -> None:
    """What the gateway itself may answer for any operation it forwards, and the headers it adds."""
    responses = operation.setdefault("responses", {})
    for status in statuses:
        responses.setdefault(str(status), {"description": _GATEWAY_STATUSES[status],
                                           "content": copy.deepcopy(_PROBLEM)})
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        for header, spec in _RATE_HEADERS.items():
            headers.setdefault(header, dict(spec))
        if status in ("429", "503"):
            headers.setdefault("Retry-After", dict(_RETRY_AFTER))


def merge_documents(gateway_doc: dict[str, Any], services: dict[str, dict[str, Any] | None],
                    *, title: str, version: str) -> dict[str, Any]:
    """Prefixes each service's paths with /<service>, keeps schema names unless two services disagree."""
    merged: dict[str, Any] = {
        "openapi": gateway_doc.get("openapi", "3.1.0"),
        "info": {"title": title, "version": version,
                 "description": "The RSS platform's public API. Authenticate with an API key in `X-API-Key` "
                                "(or `Authorization: Bearer`); without one, public reference data can be read."},
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": SECURITY_SCHEMES},
        "security": [{"ApiKey": []}, {"Bearer": []}, {}],
        "tags": [],
    }
    schemas: dict[str, Any] = merged["components"]["schemas"]
    operation_ids: set[str] = set()
    unavailable = []
    sources = [("gateway", gateway_doc)] + list(services.items())
    for name, doc in sources:
        if doc is None:
            unavailable.append(name)
            continue
        doc = copy.deepcopy(doc)
        # A schema another service already defines differently is renamed; so is one that refers to a renamed
        # schema (a page of this service's audit events differs from a page of another's, though both were
        # written alike), until nothing more changes.
        renames: dict[str, str] = {}
        own = doc.get("components", {}).get("schemas", {})
        while True:
            more = {schema_name: f"{name.capitalize()}{schema_name}" for schema_name, schema in own.items()
                    if schema_name not in renames and schema_name in schemas
                    and schemas[schema_name] != _rewrite_refs(schema, renames)}
            if not more:
                break
            renames |= more
        doc = _rewrite_refs(doc, renames)
        for schema_name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(schema_name, schema_name)] = schema
        prefix = "" if name == "gateway" else "/" + name
        for path, item in doc.get("paths", {}).items():
            if name != "gateway" and path in INTERNAL_PATHS:
                continue
            for operation in item.values():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                if name == "gateway":
                    if path == "/whoami":
                        _declare_gateway_answers(operation, statuses=(429,))
                    continue
                _declare_gateway_answers(operation)
                if operation["operationId"] in operation_ids:  # two services named one operation alike
                    given = operation["operationId"]
                    operation["operationId"] = name + given[:1].upper() + given[1:]
                operation_ids.add(operation["operationId"])
                operation["tags"] = [f"{name} · {tag}" for tag in operation.get("tags", [])] or [name]
            merged["paths"][prefix + path] = item
        merged["tags"].append({"name": name, "description": doc.get("info", {}).get("description", "")})
    merged["tags"] = [t for t in merged["tags"] if t["description"]]
    distinct_titles(schemas)
    if unavailable:
        merged["info"]["x-unavailable-services"] = unavailable
    return merged


class DocumentIncomplete(Exception):
    """A service's document could not be fetched and no complete document has been served yet."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class OpenAPIAggregator:
    """Serves only whole documents: every service's operations, or the last whole document, or an error.

    A document missing a service would tell a client generator that the service's operations do not exist, so it
    is never served as if it were whole.
    """

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._cached: tuple[float, dict[str, Any]] | None = None
        self._last_complete: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def document(self, gateway_doc: dict[str, Any]) -> dict[str, Any]:
        async with self._lock:
            now = time.monotonic()
            if self._cached and self._cached[0] > now:
                return self._cached[1]
            names = list(self.gateway.upstreams)
            docs = await asyncio.gather(*(self._fetch(n) for n in names))
            merged = merge_documents(gateway_doc, dict(zip(names, docs)), title="RSS platform API",
                                     version=VERSION)
            missing = merged["info"].get("x-unavailable-services")
            if not missing:
                self._cached = (now + self.gateway.settings.openapi_cache_seconds, merged)
                self._last_complete = merged
                return merged
            if self._last_complete is not None:
                # Try again soon; meanwhile the last whole document still describes every operation.
                self._cached = (now + RETRY_SECONDS, self._last_complete)
                return self._last_complete
            raise DocumentIncomplete(missing)

    async def _fetch(self, name: str) -> dict[str, Any] | None:
        session = self.gateway.session
        assert session is not None
        for replica in self.gateway.upstreams[name].choose_order():
            try:
                # Services build their documents at start-up, so this is a copy; the limit is for one that hangs.
                timeout = aiohttp.ClientTimeout(total=self.gateway.settings.openapi_fetch_timeout)
                async with session.get(replica.base_url + "/openapi.json", timeout=timeout) as resp:
                    if resp.status == 200:
                        return await resp.json()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                continue
        return None
