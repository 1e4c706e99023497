"""All SQL of the key store: the hot path's lookup by hash and its last-used writes (on a plain connection,
outside any request's session), and the administrators' reads and writes (on the request's session)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.keys.models import ApiKey, KeyAuditEvent
from shared.audit_reads import AuditEvents
from shared.pagination import keyset_page
from shared.problems import NotFound
from shared.repository import Repository

_keys = ApiKey.__table__
# The hot path's one question, built once: the key whose secret hashes to this.
KEY_BY_HASH = select(_keys.c.key_id, _keys.c.subject, _keys.c.role, _keys.c.county_code, _keys.c.revoked_at) \
    .where(_keys.c.sha256 == bindparam("sha256"))
# A key's last use, never moved backwards (another replica may have written a later one).
TOUCH_LAST_USED = update(_keys).where(
    _keys.c.key_id == bindparam("used_key_id"),
    or_(_keys.c.last_used_at.is_(None), _keys.c.last_used_at < bindparam("used_at")),
).values(last_used_at=bindparam("used_at"))


async def key_by_hash(connection: AsyncConnection, sha256: str) -> Any | None:
    """The key's row (key_id, subject, role, county_code, revoked_at), or None."""
    return (await connection.execute(KEY_BY_HASH, {"sha256": sha256})).first()


async def touch_last_used(connection: AsyncConnection, used: Mapping[str, datetime]) -> None:
    """Writes each key's last use (one statement, one row per key)."""
    await connection.execute(TOUCH_LAST_USED, [{"used_key_id": key_id, "used_at": at} for key_id, at in used.items()])


class KeyRepository(Repository[ApiKey]):
    model = ApiKey
    noun = "API key"

    async def by_hash(self, sha256: str) -> ApiKey | None:
        return await self.session.scalar(select(ApiKey).where(ApiKey.sha256 == sha256))

    async def for_change(self, key_id: str) -> ApiKey:
        """The key, locked until the transaction ends (PostgreSQL; a SQLite write holds the database already),
        so that two rotations of one key cannot both succeed; 404 when there is none."""
        key = await self.session.get(ApiKey, key_id, with_for_update=True)
        if key is None:
            raise NotFound(f"No {self.noun} has id '{key_id}'.")
        return key

    async def successor(self, key_id: str) -> ApiKey | None:
        """The key that replaced this one in a rotation."""
        return await self.session.scalar(select(ApiKey).where(ApiKey.rotated_from == key_id))

    async def page(self, *, revoked: bool | None, now: datetime, after: str | None,
                   limit: int) -> tuple[Sequence[ApiKey], int]:
        """Keys in key id order; `revoked`: only those that no longer work (True) or still do (False)."""
        query = select(ApiKey)
        if revoked is True:
            query = query.where(ApiKey.revoked_at.is_not(None), ApiKey.revoked_at <= now)
        elif revoked is False:
            query = query.where(or_(ApiKey.revoked_at.is_(None), ApiKey.revoked_at > now))
        return await keyset_page(self.session, query, ApiKey.key_id, after=after, limit=limit)


class KeyAuditRepository(AuditEvents[KeyAuditEvent]):
    model = KeyAuditEvent
