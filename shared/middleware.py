"""Request id and access log, as plain ASGI middleware (no per-request framework overhead)."""

from __future__ import annotations

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import access_line
from shared.request_context import REQUEST_ID_HEADER, accept_request_id

_REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()


class RequestContextMiddleware:
    """Binds the request id to every log line, echoes it in the response and logs one line per request."""

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_HEADER_BYTES:
                incoming = value.decode("latin-1")
                break
        request_id = accept_request_id(incoming)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (_REQUEST_ID_HEADER_BYTES, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.access_log:
                principal = scope.get("state", {}).get("principal")
                access_line(request_id=request_id, method=scope["method"], path=scope["path"], status=status,
                            duration_ms=round((time.perf_counter() - started) * 1000, 2),
                            caller=getattr(principal, "subject", None))
            structlog.contextvars.unbind_contextvars("request_id")
