"""Idempotency-Key (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a retried POST gets the first
answer again, without a second effect.

The first request with a key runs and its answer (status, JSON body, Location) is stored in the same
transaction as its effect, keyed by the caller and the key; so either both are kept or neither is. A later
request with the same caller and key:

* and the same request (method, path and a fingerprint of the validated body) gets the stored answer;
* with another request gets 422 naming the header (rule ``idempotency_key_reused``).

Two requests with the same key at the same moment: on PostgreSQL the second waits for the first's transaction
(an advisory lock on the key) and then replays its answer; on SQLite writers run one at a time anyway. A service
creates the table with `idempotency_table(metadata)` in its own migration; nothing here knows any service.

A route answers through `once(request, session, caller, key, payload, run)`, `run` returning `stored(request,
model, status=…, path=…)`; the answer goes out as JSON written by orjson, as the stored copy is (an allocation over
290 municipalities is about 70 KB of JSON), with its Location made public (`shared.pagination.public_path`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.identity import Principal
from shared.locks import hold
from shared.pagination import public_path
from shared.problems import InvalidInput

IDEMPOTENCY_HEADER = "Idempotency-Key"
TABLE_NAME = "idempotency_keys"

IdempotencyKey = Annotated[str, Header(
    alias=IDEMPOTENCY_HEADER, min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$",
    description="A unique value per intended operation (a UUID): a retry with the same key and body gets the "
                "first answer and has no second effect.")]


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        TABLE_NAME, metadata,
        Column("caller", String(200), primary_key=True),
        Column("key", String(128), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("body", Text, nullable=False),
        Column("location", String(500)),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: Any
    location: str | None


def fingerprint(method: str, path: str, payload: Any) -> str:
    canonical = orjson.dumps({"method": method, "path": path, "body": payload}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


class IdempotencyStore:
    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table

    async def replay(self, *, caller: str, key: str, request_fingerprint: str) -> StoredAnswer | None:
        """The stored answer of an earlier request with this key; None for a new key; 422 for another request."""
        await hold(self._session, (TABLE_NAME, caller, key))
        row = (await self._session.execute(
            select(self._table.c.fingerprint, self._table.c.status, self._table.c.body, self._table.c.location)
            .where(self._table.c.caller == caller, self._table.c.key == key))).first()
        if row is None:
            return None
        if row.fingerprint != request_fingerprint:
            raise InvalidInput.field(
                f"header.{IDEMPOTENCY_HEADER}", "idempotency_key_reused",
                "This Idempotency-Key was used for another request; use a new key for a new operation.")
        return StoredAnswer(status=row.status, body=orjson.loads(row.body), location=row.location)

    async def remember(self, *, caller: str, key: str, request_fingerprint: str, answer: StoredAnswer) -> None:
        await self._session.execute(insert(self._table).values(
            caller=caller, key=key, fingerprint=request_fingerprint, status=answer.status,
            body=orjson.dumps(answer.body).decode(), location=answer.location, created_at=datetime.now(UTC)))


async def answer_once(*, session: AsyncSession, table: Table, caller: str, key: str, method: str, path: str,
                      payload: Any, run: Any) -> StoredAnswer:
    """The answer to a POST carrying an Idempotency-Key: the stored one for a retry, otherwise `run()`'s
    (an awaitable factory returning a StoredAnswer), stored in the same transaction as its effect."""
    request_fingerprint = fingerprint(method, path, payload)
    store = IdempotencyStore(session, table)
    stored = await store.replay(caller=caller, key=key, request_fingerprint=request_fingerprint)
    if stored is not None:
        return stored
    answer = await run()
    await store.remember(caller=caller, key=key, request_fingerprint=request_fingerprint, answer=answer)
    return answer


# Every service's table has the same name and columns (`idempotency_table`): one description of it serves them all.
_KEYS = idempotency_table(MetaData())


def stored(request: Request, model: BaseModel, *, status: int = 200, path: str | None = None) -> StoredAnswer:
    """A POST's answer as it is kept: the model as JSON, and `path` (the service's own) as a public Location."""
    return StoredAnswer(status=status, body=model.model_dump(mode="json"),
                        location=public_path(request, path) if path else None)


def respond(answer: StoredAnswer) -> Response:
    return Response(orjson.dumps(answer.body), status_code=answer.status, media_type="application/json",
                    headers={"Location": answer.location} if answer.location else None)


async def once(request: Request, session: AsyncSession, caller: Principal, key: str, payload: BaseModel | None,
               run: Callable[[], Awaitable[StoredAnswer]]) -> Response:
    """The answer to a POST with an Idempotency-Key (`answer_once`), keyed by the caller's subject, for the
    request's method, path and validated body."""
    return respond(await answer_once(
        session=session, table=_KEYS, caller=caller.subject, key=key, method=request.method,
        path=request.url.path, payload=payload.model_dump(mode="json") if payload else None, run=run))
