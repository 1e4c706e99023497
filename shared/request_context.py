"""The request id: taken from X-Request-ID when a caller sends a sane one, otherwise created. And the request
being handled, for what a service does on its caller's behalf (shared/service_client.py): whose request it is,
and how many calls to the platform it has made."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from typing import Any

REQUEST_ID_HEADER = "x-request-id"
# The request's state (Starlette's scope["state"], where the identity dependency puts the caller's principal),
# bound by the request middleware for the length of the request.
_REQUEST_STATE: ContextVar[dict[str, Any] | None] = ContextVar("request_state", default=None)


def bind_request_state(state: dict[str, Any]) -> Token[dict[str, Any] | None]:
    return _REQUEST_STATE.set(state)


def unbind_request_state(token: Token[dict[str, Any] | None]) -> None:
    _REQUEST_STATE.reset(token)


def request_state() -> dict[str, Any] | None:
    """The state of the request being handled; None outside a request (start-up, a background job)."""
    return _REQUEST_STATE.get()
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """Keep a caller's id if it is safe to log and forward; replace anything else."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return new_request_id()
