"""Request id and access log, and bounds on what a request may hold, as plain ASGI middleware (no per-request
framework overhead)."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import access_line
from shared.problems import (
    BodyTooLarge,
    InvalidInput,
    NotFound,
    Problem,
    answered_problem,
    problem_response,
    public_path,
)
from shared.request_context import REQUEST_ID_HEADER, accept_request_id, bind_request_state, unbind_request_state
from shared.text import CONTROL_CHARACTERS_RULE, control_character_in, control_character_message

_REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()


def _problem_fields(status: int) -> dict[str, str]:
    """For a refused request, the problem's type and its first broken rule with the field it names."""
    problem = answered_problem.get()
    if status < 400 or problem is None:
        return {}
    fields = {"problem": problem.slug or problem.body(None)["type"].rsplit("/", 1)[-1]}
    if problem.errors:
        fields |= {"rule": problem.errors[0].rule, "field": problem.errors[0].field or ""}
    return fields


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
        state_token = bind_request_state(scope.setdefault("state", {}))
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (_REQUEST_ID_HEADER_BYTES, request_id.encode())]
            await send(message)

        problem_token = answered_problem.set(None)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.access_log:
                principal = scope.get("state", {}).get("principal")
                access_line(request_id=request_id, method=scope["method"], path=scope["path"], status=status,
                            duration_ms=round((time.perf_counter() - started) * 1000, 2),
                            caller=getattr(principal, "subject", None), **_problem_fields(status))
            answered_problem.reset(problem_token)
            structlog.contextvars.unbind_contextvars("request_id")
            unbind_request_state(state_token)


# --- bounded requests ------------------------------------------------------------------------------------------

MIB = 1024 * 1024
IMPORT_PATH_PREFIX = "/imports/"  # bulk imports take a whole file as the body; everything else is a JSON document
_CONTENT_LENGTH = b"content-length"
_TRANSFER_ENCODING = b"transfer-encoding"


def body_too_large(limit: int, is_import: bool) -> Problem:
    """The 413 of a body past a route's limit, the same from a service and from the gateway."""
    advice = "split the file into several files" if is_import else "send less at once"
    return BodyTooLarge(f"The request body is larger than {_size(limit)} ({limit} bytes), the most this "
                        f"service accepts here; {advice}.", max_bytes=limit).to_problem()


class _BodyPastLimit(Exception):
    """Raised from `receive` once a body without a declared length has grown past the limit."""


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit:,} bytes"


class BodySizeLimitMiddleware:
    """Refuses a request body past the service's limit with 413, without reading it: a declared Content-Length
    is checked before the app runs; a chunked body is counted as it arrives and refused the moment it passes the
    limit. Bulk imports (paths under /imports/) get their own, larger limit."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_import_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_import_body_bytes = max_import_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_import = scope["path"].startswith(IMPORT_PATH_PREFIX)
        limit = self.max_import_body_bytes if is_import else self.max_body_bytes
        # A request has a body only when it declares its length or sends it in chunks (RFC 9112, 6.3).
        declared = chunked = None
        for name, value in scope["headers"]:
            if name == _CONTENT_LENGTH:
                declared = value
            elif name == _TRANSFER_ENCODING:
                chunked = value
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit, is_import)
            return
        if chunked is None:  # no body, or one the server holds to its declared length
            await self.app(scope, receive, send)
            return

        received = 0
        refused = responding = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise _BodyPastLimit
            return message

        async def send_unless_refused(message: Message) -> None:
            nonlocal responding
            if refused:
                return  # whatever the app answers to the cut-off body, the caller gets the 413 below
            responding = True
            await send(message)

        try:
            await self.app(scope, counting_receive, send_unless_refused)
        except Exception:
            if not refused:
                raise
        if refused and not responding:
            await self._refuse(scope, send, limit, is_import)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int, is_import: bool) -> None:
        await _answer(body_too_large(limit, is_import), scope, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _answer(problem: Problem, scope: Scope, send: Send) -> None:
    """A problem answered before the app saw the request, naming the path the caller sent."""
    await problem_response(problem, instance=public_path(Request(scope)))(scope, _no_body, send)


_ENCODED_CONTROL_CHARACTER = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])|[\x00-\x1f\x7f]")


class ControlCharacterMiddleware:
    """No query parameter holds a control character (422 naming `query.<name>`, rule control_characters), and
    no path does (404: no resource has one in its name), whatever the route declares, so no such value reaches
    a database (PostgreSQL refuses a NUL where SQLite stores it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = self._path_problem(scope["path"]) or self._query_problem(scope["query_string"])
            if problem is not None:
                await _answer(problem.to_problem(), scope, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _path_problem(path: str) -> NotFound | None:
        if control_character_in(path) is None:
            return None
        return NotFound("No resource has a control character in its path.")

    @staticmethod
    def _query_problem(query: bytes) -> InvalidInput | None:
        if not _ENCODED_CONTROL_CHARACTER.search(query):
            return None
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            character = control_character_in(name) or control_character_in(value)
            if character is not None:
                message = control_character_message(character)
                return InvalidInput.field(f"query.{name}", CONTROL_CHARACTERS_RULE,
                                          f"The query parameter '{name}': {message}.")
        return None
