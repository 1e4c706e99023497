"""Conditional GETs of every JSON answer: an answer that names no validator of its own gets a strong ETag over its
body, and a caller that sends it back in If-None-Match gets 304 Not Modified (the ETag, no body).

The hash is of the bytes sent, so two answers share an ETag exactly when they are the same answer: whatever the
answer depends on (the caller's scope, today's date, the query) is in it. An answer whose route set an ETag of its
own (a record's version, the registry's change counter) keeps it, and its route decides about 304 itself.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.etag import none_match

# Headers describing a body: a 304 has none (RFC 9110, 15.4.5).
_BODY_HEADERS = ("content-length", "content-type", "content-encoding", "content-disposition")


def body_etag(body: bytes) -> str:
    """A strong ETag over an answer's bytes."""
    return f'"h{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _is_json(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class AnswerETagMiddleware:
    """Sets the body's ETag on each GET 200 JSON answer that carries none, and answers 304 to an If-None-Match
    naming it. Such answers are sent whole by their routes, so holding one until its last part costs nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        parts: list[bytes] = []

        async def answer(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                if message["status"] == 200 and "etag" not in headers and _is_json(headers.get("content-type")):
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await self._send(scope, held, b"".join(parts), send)
                return
            await send(message)

        await self.app(scope, receive, answer)

    @staticmethod
    async def _send(scope: Scope, start: Message, body: bytes, send: Send) -> None:
        etag = body_etag(body)
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        headers["ETag"] = etag
        if none_match(Headers(scope=scope).get("if-none-match"), etag):
            for name in _BODY_HEADERS:
                del headers[name]
            await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
