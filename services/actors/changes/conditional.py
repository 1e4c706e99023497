"""Conditional GETs of registry answers: the ETag names what the answer depends on, and a caller that sends it
back in If-None-Match gets 304 Not Modified (no body) while it still holds.

Reference data (the SCB division, populations) changes only through the registry's own sessions, so the change
counter (registry_state.version) is its validator: reading the counter is one small query, and a 304 reads
nothing else. The counter is read before the data, so an answer is never labelled with a version newer than it
(a change committed in between only costs the caller one more full answer).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.changes.repository import RegistryStateRepository


async def registry_etag(session: AsyncSession, *qualifiers: str) -> str:
    """The counter as an ETag, read on the driver of the request's connection (one prepared statement), with what
    else the answer depends on (a date read as today, the kind of caller) after it."""
    return "-".join((f'"r{await RegistryStateRepository(session).version()}', *qualifiers)) + '"'
