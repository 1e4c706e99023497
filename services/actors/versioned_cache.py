"""A per-process cache of answers, each kept with the data version it was computed at.

An answer is served only while the data's version is still the one it was computed at, so it is never stale.
Asking costs one small query for the current version when the answer is kept, and nothing extra when it is not:
then `compute` returns the answer together with the version it saw, read in the same statement as the data (or
before it). That order matters: an answer may be kept under a version older than its data, which only means it
is computed again next time, but never under a version newer than its data.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

DEFAULT_MAX_BYTES = 32 * 1024 * 1024


class VersionedAnswers:
    """Serialised answers (bytes) by key, at most `max_bytes` of them; the least recently used go first."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_compute(self, key: Hashable, current_version: Callable[[], Awaitable[int]],
                             compute: Callable[[], Awaitable[tuple[bytes, int]]]) -> tuple[bytes, int]:
        """The answer and the version it belongs to."""
        entry = self._entries.get(key)
        if entry is not None:
            version = await current_version()
            if entry[0] == version:
                self.hits += 1
                self._entries.move_to_end(key)
                return entry[1], version
        self.misses += 1
        body, version = await compute()
        self._keep(key, version, body)
        return body, version

    def _keep(self, key: Hashable, version: int, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old[1])
        self._entries[key] = (version, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.size -= len(evicted)
