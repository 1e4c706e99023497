"""The request id: taken from X-Request-ID when a caller sends a sane one, otherwise created."""

from __future__ import annotations

import re
import uuid

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """Keep a caller's id if it is safe to log and forward; replace anything else."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return new_request_id()
