"""The platform as the composition reads it: the app's PlatformClient, with at most `concurrency` calls in flight
(the composition asks its independent questions at once), counting the calls it makes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from shared.service_client import PlatformAnswer, PlatformClient


class BoundedPlatform:
    """`get` and `get_all` of a PlatformClient (shared.registry_client's Platform), a few at a time."""

    def __init__(self, client: PlatformClient, concurrency: int) -> None:
        self.client = client
        self._slots = asyncio.Semaphore(concurrency)
        self.calls = 0

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> PlatformAnswer:
        async with self._slots:
            self.calls += 1
            return await self.client.get(path, params, what=what)

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]:
        async with self._slots:
            self.calls += 1
            return await self.client.get_all(path, params, what=what, limit=limit)
