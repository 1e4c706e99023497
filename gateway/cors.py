"""Cross-origin requests from browser apps (a county's web app, the national dashboard on its own origin), as the
Fetch standard's CORS protocol describes them, answered by the gateway for every path.

Allowed origins are a gateway setting (`GATEWAY_CORS_ORIGINS`, comma-separated, none by default). For an allowed
origin:

- a preflight (OPTIONS with `Access-Control-Request-Method`) is answered here, 204, naming the methods and the
  request headers the platform reads (API key, bearer token, content type, conditional and idempotency headers,
  request id), cached by the browser for `Access-Control-Max-Age`;
- every other answer carries `Access-Control-Allow-Origin` with the origin and exposes the headers a client reads
  (ETag, Location, the rate-limit headers, Retry-After, the request id, the ledger's receipt).

A preflight from an origin not allowed is 403 problem+json without any `Access-Control-Allow-*` header, so the
browser refuses the request it was asking about; a simple request from such an origin is answered as to anyone
(the API key, never a cookie, is what authorises), and the browser withholds the answer from the page. Answers
vary by Origin. Credentials (cookies) are never allowed: the platform has none.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson

ALLOWED_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = ("x-api-key", "authorization", "content-type", "if-match", "if-none-match", "idempotency-key",
                   "x-request-id", "accept")
EXPOSED_HEADERS = b"ETag, Location, Retry-After, RateLimit, RateLimit-Policy, X-Request-ID, Ledger-Receipt, " \
                  b"Content-Disposition"
MAX_AGE_SECONDS = b"600"
_VARY = (b"vary", b"Origin")


def _header(scope: dict, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


class Cors:
    def __init__(self, origins: Iterable[str]) -> None:
        self.origins = {origin.rstrip("/").encode() for origin in origins}

    def origin_of(self, scope: dict) -> tuple[bytes | None, bool]:
        """The request's Origin and whether it is allowed."""
        origin = _header(scope, b"origin")
        return origin, origin is not None and origin in self.origins

    async def preflight(self, scope: dict, send, origin: bytes, allowed: bool) -> None:  # type: ignore[no-untyped-def]
        if not allowed:
            body = orjson.dumps({"type": "/problems/forbidden", "title": "Forbidden", "status": 403,
                                 "detail": f"Cross-origin requests from {origin.decode('latin-1')} are not allowed "
                                           "here; the platform's operators name the allowed origins."})
            await send({"type": "http.response.start", "status": 403, "headers": [
                (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                _VARY]})
            await send({"type": "http.response.body", "body": body})
            return
        requested = _header(scope, b"access-control-request-headers") or b""
        names = [n.strip().lower() for n in requested.decode("latin-1").split(",") if n.strip()]
        headers = [(b"access-control-allow-origin", origin), _VARY,
                   (b"access-control-allow-methods", ALLOWED_METHODS),
                   (b"access-control-allow-headers", ", ".join(n for n in names if n in ALLOWED_HEADERS).encode()
                    or b"content-type"),
                   (b"access-control-max-age", MAX_AGE_SECONDS), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def allowing(send, origin: bytes):  # type: ignore[no-untyped-def]
        """`send` with the headers that let the page read the answer."""
        async def send_allowed(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"access-control-allow-origin", origin), _VARY,
                                                  (b"access-control-expose-headers", EXPOSED_HEADERS)]}
            await send(message)
        return send_allowed
