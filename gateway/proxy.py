"""The forwarding hot path: plain ASGI in, aiohttp out, no routing framework in between.

Forwards method, path, query string and body unchanged, with the caller's verified identity and the request id;
passes the upstream's status, headers and body back unchanged. Refused connections move on to the next replica;
no answer within the upstream's time limit is 504; no replica reachable is 503.
"""

from __future__ import annotations

import asyncio
import functools
import time

import aiohttp
from yarl import URL

from gateway.upstreams import Upstream
from shared.problems import Problem, problem_response

HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
    b"transfer-encoding", b"upgrade",
})
# Never forwarded upstream: the caller's credentials (the services get the verified identity instead),
# a forged identity, and headers the gateway sets itself.
DROPPED_REQUEST_HEADERS = HOP_BY_HOP | {
    b"host", b"x-api-key", b"authorization", b"x-rss-identity", b"x-request-id", b"x-forwarded-prefix",
    b"content-length",
}
DROPPED_RESPONSE_HEADERS = HOP_BY_HOP | {b"content-length", b"x-request-id", b"date", b"server"}
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
STREAM_THRESHOLD = 1024 * 1024
CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


async def read_body(receive, limit: int) -> bytes:  # type: ignore[no-untyped-def]
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body = message.get("body", b"")
        if body:
            size += len(body)
            if size > limit:
                raise BodyTooLarge()
            chunks.append(body)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def new_client_session(connect_timeout: float) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=256, keepalive_timeout=30, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),  # never carry one caller's cookies to another
        skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout),
    )


@functools.lru_cache(maxsize=16)
def _timeout(total: float) -> aiohttp.ClientTimeout:
    """One ClientTimeout per distinct limit, not one per request."""
    return aiohttp.ClientTimeout(total=total)


async def forward(*, session: aiohttp.ClientSession, upstream: Upstream, scope, receive, send,  # type: ignore[no-untyped-def]
                  headers: list[tuple[bytes, bytes]], body: bytes, response_headers: list[tuple[bytes, bytes]],
                  retry_after: float) -> int:
    """Sends the request to one replica after another until one answers; returns the status sent back."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    upstream_path = raw_path[len(upstream.prefix):] or b"/"
    query: bytes = scope["query_string"]
    target = upstream_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    method = scope["method"]
    timeout = _timeout(upstream.timeout)
    str_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
    last_error = "no replica configured"
    # One replica (the usual case) needs no ordering; choose_order() builds three lists per call.
    replicas = upstream.replicas if len(upstream.replicas) == 1 else upstream.choose_order()
    for replica in replicas:
        url = URL(replica.base_url + target, encoded=True)
        try:
            async with session.request(method, url, headers=str_headers, data=body or None,
                                       allow_redirects=False, timeout=timeout) as resp:
                out_headers = [(name, v) for k, v in resp.raw_headers
                               if (name := k.lower()) not in DROPPED_RESPONSE_HEADERS]
                out_headers.extend(response_headers)
                length = resp.content_length
                if length is not None and length <= STREAM_THRESHOLD:
                    content = await resp.read()
                    out_headers.append((b"content-length", str(len(content)).encode()))
                    await send({"type": "http.response.start", "status": resp.status, "headers": out_headers})
                    await send({"type": "http.response.body", "body": content})
                    return resp.status
                await send({"type": "http.response.start", "status": resp.status, "headers": out_headers})
                async for chunk in resp.content.iter_chunked(CHUNK):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
                return resp.status
        except aiohttp.ClientConnectorError as exc:
            # Refused or unreachable: the request never left, so the next replica may have it.
            replica.down_until = time.monotonic() + retry_after
            last_error = type(exc).__name__
            continue
        except aiohttp.ServerDisconnectedError as exc:
            # Dropped without an answer: only a request that is safe to repeat goes to the next replica.
            if method not in IDEMPOTENT_METHODS:
                return await _problem(send, response_headers, 502,
                                      f"The {upstream.name} service closed the connection without answering; "
                                      "the request may or may not have taken effect.")
            replica.down_until = time.monotonic() + retry_after
            last_error = type(exc).__name__
            continue
        except asyncio.TimeoutError:
            return await _problem(send, response_headers, 504,
                                  f"The {upstream.name} service did not answer within {upstream.timeout:g} s.")
        except aiohttp.ClientError as exc:
            return await _problem(send, response_headers, 502,
                                  f"The {upstream.name} service sent an invalid response ({type(exc).__name__}).")
    return await _problem(send, response_headers, 503,
                          f"The {upstream.name} service is unavailable ({last_error}); try again shortly.",
                          retry_after=max(1, int(retry_after)))


async def _problem(send, response_headers, status: int, detail: str, *, retry_after: int | None = None) -> int:  # type: ignore[no-untyped-def]
    headers = {"retry-after": str(retry_after)} if retry_after else None
    response = problem_response(Problem(status=status, detail=detail), headers=headers)
    raw = list(response.raw_headers) + response_headers
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": response.body})
    return status
