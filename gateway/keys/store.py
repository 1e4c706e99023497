"""The key store as the gateway's hot path sees it: a key looked up by its hash through an in-process cache.

- An answer is kept at most `CACHE_SECONDS` (1 s) from the moment it was asked for, the answer "no such key"
  too: a key revoked on any replica stops working on every replica within a second, and a key just made works
  within a second everywhere (at once on the replica that made it, which forgets what it knew of the key).
- Callers arriving while a key is being asked for wait for that one question: a busy key costs one lookup a
  second per replica, however many requests carry it.
- "No such key" answers are kept for at most `MISSES_KEPT` hashes (the oldest dropped first), so requests with
  random keys cannot grow the gateway's memory; they are also held back by the failed-authentication rate limit.
- A used key's `last_used_at` is written by a background task, at most once per key every
  `GATEWAY_KEYS_LAST_USED_SECONDS` (60 s) per replica, never on a request's way.
- When the store cannot be reached, a key that is not in the cache is not accepted: the request is answered
  503 (`KeyStoreUnavailable`), never let through on a stale or missing answer. Requests without a key (public
  reference data) do not ask the store.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.api_keys import ApiKeyRecord, hash_key
from gateway.keys.repository import key_by_hash, touch_last_used
from shared.database import create_engine, create_read_sessionmaker, create_sessionmaker, current_revision
from shared.identity import Role
from shared.logging import get_logger
from shared.migrations import head_revision
from shared.records import aware

GATEWAY_DIR = Path(__file__).resolve().parent.parent  # alembic.ini and migrations/ of the key store
CACHE_SECONDS = 1.0
MISSES_KEPT = 10_000
_KEYS_KEPT = 100_000  # known keys remembered before the cache is emptied (the store holds far fewer)
_WRITER_TICK_SECONDS = 1.0


class KeyStoreUnavailable(Exception):
    """The key store did not answer; the request cannot be authenticated now."""


class KeyStore:
    def __init__(self, database_url: str, *, last_used_seconds: float = 60.0) -> None:
        self.database_url = database_url
        self.last_used_seconds = last_used_seconds
        self.engine: AsyncEngine | None = None
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self.read_sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._known: dict[str, tuple[float, ApiKeyRecord]] = {}  # sha256 -> (kept until, record)
        self._misses: dict[str, float] = {}  # sha256 -> kept until
        self._asking: dict[str, asyncio.Task[ApiKeyRecord | None]] = {}
        self._used: dict[str, float] = {}  # key id -> last use (epoch seconds) not yet written
        self._written: dict[str, float] = {}  # key id -> when this replica last wrote its use (monotonic)
        self._writer: asyncio.Task[None] | None = None
        self._log = get_logger("gateway.keys")
        self.head = head_revision(GATEWAY_DIR)

    async def start(self) -> None:
        self.engine = create_engine(self.database_url)
        self.sessionmaker = create_sessionmaker(self.engine)
        self.read_sessionmaker = create_read_sessionmaker(self.engine)
        self._writer = asyncio.ensure_future(self._write_uses_forever())

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
        await self.write_uses(all_pending=True)
        if self.engine is not None:
            await self.engine.dispose()

    async def find(self, key: str) -> ApiKeyRecord | None:
        """The key's record while it works; None for a wrong, unknown or revoked key. KeyStoreUnavailable when
        the store must be asked and does not answer."""
        sha256 = hash_key(key)
        known = self._known.get(sha256)
        if known is None or known[0] <= time.monotonic():
            missed = self._misses.get(sha256)
            if missed is not None and missed > time.monotonic():
                return None
            record = await self._ask(sha256)
            if record is None:
                return None
        else:
            record = known[1]
        now = time.time()
        if record.revoked_at is not None and record.revoked_at <= now:
            return None
        self._used[record.key_id] = now
        return record

    def forget(self, sha256: str) -> None:
        """Drops what this replica knows of a key (it was just made, rotated or revoked here)."""
        self._known.pop(sha256, None)
        self._misses.pop(sha256, None)

    async def _ask(self, sha256: str) -> ApiKeyRecord | None:
        asking = self._asking.get(sha256)
        if asking is None:
            asking = self._asking[sha256] = asyncio.ensure_future(self._lookup(sha256))
            asking.add_done_callback(lambda done: self._asked(sha256, done))
        return await asyncio.shield(asking)  # a caller that leaves does not cancel the others' question

    def _asked(self, sha256: str, done: asyncio.Task[ApiKeyRecord | None]) -> None:
        self._asking.pop(sha256, None)
        if not done.cancelled():
            done.exception()  # retrieved: every waiter may have left

    async def _lookup(self, sha256: str) -> ApiKeyRecord | None:
        asked_at = time.monotonic()
        if self.engine is None:
            raise KeyStoreUnavailable("the key store is not open")
        try:
            async with self.engine.connect() as connection:
                row = await key_by_hash(connection, sha256)
        except (SQLAlchemyError, OSError) as exc:
            self._log.warning("key_store_unavailable", error=type(exc).__name__)
            raise KeyStoreUnavailable(type(exc).__name__) from exc
        kept_until = asked_at + CACHE_SECONDS
        if row is None:
            self._known.pop(sha256, None)
            if len(self._misses) >= MISSES_KEPT:
                del self._misses[next(iter(self._misses))]  # the oldest
            self._misses[sha256] = kept_until
            return None
        record = ApiKeyRecord(key_id=row.key_id, subject=row.subject, role=Role(row.role),
                              county_code=row.county_code, sha256=sha256,
                              revoked_at=aware(row.revoked_at).timestamp() if row.revoked_at else None)
        if len(self._known) >= _KEYS_KEPT:
            self._known.clear()
        self._known[sha256] = (kept_until, record)
        self._misses.pop(sha256, None)
        return record

    @property
    def misses_kept(self) -> int:
        return len(self._misses)

    async def write_uses(self, *, all_pending: bool = False) -> None:
        """Writes the last use of each key used since, unless this replica wrote that key's use less than
        `last_used_seconds` ago (`all_pending`: every one, when the gateway stops)."""
        now = time.monotonic()
        due = {key_id: used for key_id, used in self._used.items()
               if all_pending or now - self._written.get(key_id, -self.last_used_seconds) >= self.last_used_seconds}
        if not due or self.engine is None:
            return
        for key_id in due:
            del self._used[key_id]
            self._written[key_id] = now
        try:
            async with self.engine.begin() as connection:
                await touch_last_used(connection, {key_id: datetime.fromtimestamp(used, UTC)
                                                   for key_id, used in due.items()})
        except (SQLAlchemyError, OSError) as exc:
            self._log.warning("last_used_not_written", keys=len(due), error=type(exc).__name__)

    async def _write_uses_forever(self) -> None:
        while True:
            await asyncio.sleep(_WRITER_TICK_SECONDS)
            await self.write_uses()

    async def migration(self) -> tuple[str | None, str | None]:
        """(the store's migration revision, the code's head); KeyStoreUnavailable when it does not answer."""
        if self.engine is None:
            raise KeyStoreUnavailable("the key store is not open")
        try:
            return await current_revision(self.engine), self.head
        except (SQLAlchemyError, OSError) as exc:
            raise KeyStoreUnavailable(type(exc).__name__) from exc
