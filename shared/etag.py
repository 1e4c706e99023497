"""Optimistic concurrency: a record's ETag is its version; writes must send it back in If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from shared.problems import PreconditionFailed, PreconditionRequired

IfMatch = Annotated[str | None, Header(description='The ETag of the version you read, e.g. "3".')]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, current_version: int) -> None:
    """428 when the header is missing, 412 when it names a version other than the current one."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the ETag you read, so that a change made meanwhile "
                                   "is not overwritten.")
    candidates = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in candidates or etag(current_version) in candidates:
        return
    raise PreconditionFailed(f"The record has changed since you read it: it is now at version {current_version}. "
                             "Read it again and re-apply your change.", current_etag=etag(current_version))
