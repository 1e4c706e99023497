"""A per-process cache of answers, each kept with the data version it was computed at.

An answer is served only while the data's version is still the one it was computed at, so it is never stale:
the caller reads the current version first (one small query), then asks for the answer. Reading the version
before the data matters: if a change commits in between, the answer is newer than its version and is simply
computed again next time, never the other way round.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get_or_compute(self, key: Hashable, version: int, compute: Callable[[], Awaitable[V]]) -> V:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            self.hits += 1
            self._entries.move_to_end(key)
            return entry[1]
        self.misses += 1
        value = await compute()
        self._entries[key] = (version, value)
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)  # the least recently used
        return value
