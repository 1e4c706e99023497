"""The forwarding hot path: plain ASGI in, a lean keep-alive HTTP/1.1 client out, no framework in between.

Forwards method, path, query string and body unchanged, with the caller's verified identity and the request id;
passes the upstream's status, headers and body back unchanged. A replica that refuses the connection is skipped
for the next one; no answer within the upstream's time limit is 504; no replica reachable is 503. The framing
rules the exchange with the service follows are in gateway/upstream_client.py and docs/gateway.md.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import unquote_to_bytes

from gateway.upstream_client import (
    UpstreamConnection,
    UpstreamDisconnected,
    UpstreamProtocolError,
    UpstreamUnreachable,
    request_bytes,
)
from gateway.upstreams import Upstream
from shared.problems import Problem, problem_response

HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
    b"transfer-encoding", b"upgrade",
})
# Never forwarded upstream: the caller's credentials (the services get the verified identity instead),
# a forged identity, and headers the gateway sets itself. Expect too: the gateway has the whole body before it
# forwards (uvicorn answered the caller's 100-continue), so the service has nothing to continue.
DROPPED_REQUEST_HEADERS = HOP_BY_HOP | {
    b"host", b"x-api-key", b"authorization", b"x-rss-identity", b"x-request-id", b"x-forwarded-prefix",
    b"content-length", b"expect",
}
DROPPED_RESPONSE_HEADERS = HOP_BY_HOP | {b"content-length", b"x-request-id", b"date", b"server"}
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
STREAM_THRESHOLD = 256 * 1024  # responses up to this size are sent in one piece, larger ones streamed
CALLER_GONE = 499  # logged when the caller left before its request body was whole: nothing is forwarded


class BodyTooLarge(Exception):
    pass


def declared_length(headers: list[tuple[bytes, bytes]]) -> int:
    """The body length a request declares in Content-Length (0 when it declares none or an unreadable one)."""
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


async def read_body(receive, limit: int) -> bytes | None:  # type: ignore[no-untyped-def]
    """The whole request body, or None when the caller disconnected before sending all of it (a cut-off upload
    must never reach a service as if it were the whole file)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body = message.get("body", b"")
        if body:
            size += len(body)
            if size > limit:
                raise BodyTooLarge()
            chunks.append(body)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


_SEGMENTS: dict[str, bytes] = {}  # "actors" -> b"/actors/", built once per service name


def service_path(raw_path: bytes, name: str) -> bytes | None:
    """The path as the service sees it: the raw path without its first segment, which names the service
    (possibly percent-encoded, as in /%61ctors/...). None when that segment is not exactly the service's name
    once decoded (an encoded slash, /actors%2Fcounties, would otherwise move the path's boundaries)."""
    segment = _SEGMENTS.get(name) or _SEGMENTS.setdefault(name, f"/{name}/".encode())
    if raw_path.startswith(segment):
        return raw_path[len(segment) - 1:]
    end = raw_path.find(b"/", 1)
    if unquote_to_bytes(raw_path[1:end] if end > 0 else raw_path[1:]) != segment[1:-1]:
        return None
    return raw_path[end:] if end > 0 else b"/"


async def forward(*, upstream: Upstream, scope, send, headers: list[tuple[bytes, bytes]],  # type: ignore[no-untyped-def]
                  body: bytes | None, response_headers: list[tuple[bytes, bytes]], retry_after: float) -> int:
    """Sends the request to one replica after another until one answers; returns the status sent back."""
    if body is None:
        return CALLER_GONE
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    path = service_path(raw_path, upstream.name)
    if path is None:
        return await _problem(send, response_headers, 404,
                              f"No such path: the first segment of {scope['path']!r} is not a service name.")
    target = path.decode("latin-1")
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode("latin-1")
    method = scope["method"]
    safe_to_repeat = method in IDEMPOTENT_METHODS
    timeout = upstream.timeout_for(target)
    deadline = asyncio.get_running_loop().time() + timeout
    last_error = "no replica configured"
    for replica in upstream.choose_order():
        pool = replica.pool
        request = request_bytes(method, target, pool.host_header, headers, body)
        for _attempt in range(2):  # a kept-alive connection closed under us is tried once more, fresh
            try:
                conn = await pool.acquire(reuse=safe_to_repeat)
            except UpstreamUnreachable as exc:
                replica.down_until = time.monotonic() + retry_after
                last_error = str(exc)
                break
            try:
                await conn.send_request(request, deadline)
            except UpstreamDisconnected as exc:
                conn.close()
                if exc.reused:
                    continue
                if not safe_to_repeat:
                    return await _problem(send, response_headers, 502,
                                          f"The {upstream.name} service closed the connection without answering; "
                                          "the request may or may not have taken effect.")
                replica.down_until = time.monotonic() + retry_after
                last_error = "the service closed the connection"
                break
            except TimeoutError:
                conn.close()
                return await _problem(send, response_headers, 504,
                                      f"The {upstream.name} service did not answer within {timeout:g} s.")
            except UpstreamProtocolError as exc:
                conn.close()
                return await _problem(send, response_headers, 502,
                                      f"The {upstream.name} service sent an invalid response ({exc}).")
            return await _relay(conn, pool, upstream.name, method, send, response_headers)
    return await _problem(send, response_headers, 503,
                          f"The {upstream.name} service is unavailable ({last_error}); try again shortly.",
                          retry_after=max(1, int(retry_after)))


async def _relay(conn: UpstreamConnection, pool, service: str, method: str, send, response_headers) -> int:  # type: ignore[no-untyped-def]
    """Passes the response on: in one piece when small, streamed when large."""
    status = conn.status
    if method == "HEAD":
        conn.end_at_head()
    upstream_length = None
    out = []
    for name, value in conn.headers:
        if name == b"content-length":
            upstream_length = value
        elif name not in DROPPED_RESPONSE_HEADERS:
            out.append((name, value))
    out.extend(response_headers)
    try:
        try:
            while not conn.complete and conn.buffered < STREAM_THRESHOLD:
                await conn.more()
        except (UpstreamDisconnected, UpstreamProtocolError, TimeoutError) as exc:
            conn.close()  # nothing is sent yet: the caller gets a problem, not a part of an answer
            status = 504 if isinstance(exc, TimeoutError) else 502
            reason = "did not finish its answer in time" if status == 504 else "broke off its answer"
            return await _problem(send, response_headers, status, f"The {service} service {reason}.")
        if conn.complete:
            content = conn.take() if method != "HEAD" else b""
            if method == "HEAD":  # the length a GET would have, when the service gave it
                length = upstream_length
            else:  # none on a 204 or 304 (RFC 9110, 8.6: "0" would be wrong; uvicorn cannot pass a 304's own)
                length = str(len(content)).encode() if status != 204 and status != 304 else None
            if length is not None:
                out.append((b"content-length", length))
            pool.release(conn)
            await send({"type": "http.response.start", "status": status, "headers": out})
            await send({"type": "http.response.body", "body": content})
            return status
        if upstream_length is not None:
            out.append((b"content-length", upstream_length))
        await send({"type": "http.response.start", "status": status, "headers": out})
        while True:
            chunk = conn.take()
            if conn.complete:
                pool.release(conn)
                await send({"type": "http.response.body", "body": chunk})
                return status
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await conn.more()
    except BaseException:
        # Headers may already be on their way: the only honest signal left is to break the connection.
        conn.close()
        raise


async def _problem(send, response_headers, status: int, detail: str, *, retry_after: int | None = None) -> int:  # type: ignore[no-untyped-def]
    headers = {"retry-after": str(retry_after)} if retry_after else None
    response = problem_response(Problem(status=status, detail=detail), headers=headers)
    raw = list(response.raw_headers) + response_headers
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": response.body})
    return status
