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
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get_or_compute(self, key: Hashable, current_version: Callable[[], Awaitable[int]],
                             compute: Callable[[], Awaitable[tuple[V, int]]]) -> tuple[V, int]:
        """The answer and the version it belongs to."""
        entry = self._entries.get(key)
        if entry is not None:
            version = await current_version()
            if entry[0] == version:
                self.hits += 1
                self._entries.move_to_end(key)
                return entry[1], version
        self.misses += 1
        value, version = await compute()
        self._entries[key] = (version, value)
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)  # the least recently used
        return value, version
