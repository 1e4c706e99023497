"""How funding's POSTs answer: JSON bodies, Location, and replay by Idempotency-Key (shared.idempotency)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.database import idempotency_keys
from shared.idempotency import StoredAnswer, answer_once
from shared.identity import Principal
from shared.pagination import public_path


def stored(request: Request, model: BaseModel, *, status: int = 200, path: str | None = None) -> StoredAnswer:
    return StoredAnswer(status=status, body=model.model_dump(mode="json"),
                        location=public_path(request, path) if path else None)


def respond(answer: StoredAnswer) -> Response:
    # orjson, as the stored copy is written: an allocation over 290 municipalities is about 70 KB of JSON.
    return Response(orjson.dumps(answer.body), status_code=answer.status, media_type="application/json",
                    headers={"Location": answer.location} if answer.location else None)


async def once(request: Request, session: AsyncSession, caller: Principal, key: str, payload: BaseModel | None,
               run: Callable[[], Awaitable[StoredAnswer]]) -> Response:
    return respond(await answer_once(
        session=session, table=idempotency_keys, caller=caller.subject, key=key, method=request.method,
        path=request.url.path, payload=payload.model_dump(mode="json") if payload else None, run=run))
