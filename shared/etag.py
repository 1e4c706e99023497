"""Optimistic concurrency: a record's ETag is its version; writes must send it back in If-Match."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Request, Response

from shared.pagination import public_path
from shared.problems import PreconditionFailed, PreconditionRequired

NOT_MODIFIED = {304: {"description": "Not modified: the answer still has the ETag given in If-None-Match."}}
IfMatch = Annotated[str | None, Header(description='The ETag of the version you read, e.g. "3".')]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, current_version: int) -> None:
    """428 when the header is missing, 412 when it names a version other than the current one.

    Strong comparison, as RFC 9110 (13.1.1) prescribes for If-Match: a weak tag (W/"3") never matches, since
    a weak validator does not promise the bytes a write would overwrite are the ones the caller read."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the ETag you read, so that a change made meanwhile "
                                   "is not overwritten.")
    check_if_match_tag(if_match, etag(current_version), f"version {current_version}")


def check_if_match_tag(if_match: str | None, current: str, what: str | None = None) -> None:
    """check_if_match for a record whose ETag is not a bare version (`current`, as its GET sends it); `what`
    names the record's state in the 412's message."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the ETag you read, so that a change made meanwhile "
                                   "is not overwritten.")
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(f"The record has changed since you read it: it is now at {what or 'ETag ' + current}. "
                             "Read it again and re-apply your change.", current_etag=current)


def answer_stored(request: Request, response: Response, record: Any, path: str, created: bool) -> Any:
    """The answer to a create that is safe to retry: 201 with Location for a new record, 200 when the same
    record already existed; its ETag either way."""
    response.status_code = 201 if created else 200
    response.headers["Location"] = public_path(request, path)
    set_etag(response, record.version)
    return record


def none_match(if_none_match: str | None, current: str) -> bool:
    """Whether an If-None-Match header names the current ETag (or is `*`): then the answer is 304 Not Modified.
    Weak comparison, as RFC 9110 prescribes for If-None-Match."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or current.removeprefix("W/") in tags


def not_modified(request: Request, current: str) -> Response | None:
    """A 304 carrying `current` when the request's If-None-Match names it, else None: for a route that sets an
    ETag of its own (shared/conditional.py gives every other JSON answer one over its body)."""
    if none_match(request.headers.get("if-none-match"), current):
        return Response(status_code=304, headers={"ETag": current, "Cache-Control": "no-cache"})
    return None
