"""Calling the platform from a service: through the gateway, with the service's own key, one client per process.

A service that needs another's answers (funding reads the actor registry) calls the platform's public API
through the gateway, as any integrating system would: the gateway authenticates the service's own API key and
applies its routing, identity and limits, so no service reaches past another's rules. The client is created
once, in the service's lifespan (`attach_platform_client`), and reused by every request.

* The caller's request id (bound to the log context by the request middleware) goes along as X-Request-ID, so a
  registry log line can be found from the funding request that caused it.
* Answers that carry an ETag are kept (a bounded number, least recently used first out) and revalidated with
  If-None-Match: a 304 reuses the kept answer, so an unchanged answer is not transferred again.
* A platform that cannot be reached (refused connection, time-out, 5xx from the gateway) raises
  `PlatformUnavailable`, a 503 problem: a write that needs the answer stores nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
import orjson
import structlog
from fastapi import Depends, FastAPI, Request

from shared.problems import ProblemError
from shared.request_context import REQUEST_ID_HEADER

RETRY_AFTER_SECONDS = 5


class PlatformUnavailable(ProblemError):
    """The platform could not answer a question this request depends on; nothing was stored."""

    status = 503
    slug = "service-unavailable"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


@dataclass(frozen=True)
class PlatformAnswer:
    status: int
    body: Any
    etag: str | None
    revalidated: bool  # a 304: the kept answer was reused


@dataclass
class ClientCounts:
    sent: int = 0
    not_modified: int = 0


class PlatformClient:
    """GETs against the platform's public API, as the service's own principal."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = 10.0, kept_answers: int = 256,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["X-API-Key"] = api_key
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport)
        self._kept: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self._kept_answers = kept_answers
        self.counts = ClientCounts()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> PlatformAnswer:
        """One GET; `what` names the answer in a 503 problem ("the registry's municipalities")."""
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))
        url = f"{path}?{query}" if query else path
        headers = {}
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        kept = self._kept.get(url)
        if kept is not None:
            headers["If-None-Match"] = kept[0]
        self.counts.sent += 1
        try:
            response = await self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise PlatformUnavailable(f"The platform could not be reached for {what} ({type(exc).__name__}); "
                                      "nothing was stored. Try again shortly.") from None
        if response.status_code == 304 and kept is not None:
            self.counts.not_modified += 1
            self._kept.move_to_end(url)
            return PlatformAnswer(status=200, body=kept[1], etag=kept[0], revalidated=True)
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            # The service's own key refused or the platform down: the caller's request is not at fault.
            raise PlatformUnavailable(f"The platform did not answer for {what} (status {response.status_code}); "
                                      "nothing was stored. Try again shortly.")
        body = orjson.loads(response.content) if response.content else None
        etag = response.headers.get("etag")
        if etag and response.status_code == 200:
            self._kept[url] = (etag, body)
            self._kept.move_to_end(url)
            while len(self._kept) > self._kept_answers:
                self._kept.popitem(last=False)
        return PlatformAnswer(status=response.status_code, body=body, etag=etag, revalidated=False)

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]:
        """Every item of a paged list (the platform's keyset pages: `items`, `next_cursor`)."""
        items: list[Any] = []
        cursor = None
        while True:
            answer = await self.get(path, {**(params or {}), "limit": limit, "cursor": cursor}, what=what)
            if answer.status != 200:
                raise PlatformUnavailable(f"The platform answered {answer.status} for {what}.")
            items.extend(answer.body["items"])
            cursor = answer.body.get("next_cursor")
            if not cursor:
                return items


def attach_platform_client(app: FastAPI, factory: Callable[[], PlatformClient]) -> None:
    """Creates the client when the app starts and closes it when it stops, around the app's own lifespan."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        application.state.platform = factory()
        try:
            async with inner(application) as state:
                yield state
        finally:
            await application.state.platform.aclose()

    app.router.lifespan_context = lifespan


def platform_client(request: Request) -> PlatformClient:
    return request.app.state.platform


# The app's client of the platform, as a route (or service-provider) dependency.
Platform = Annotated[PlatformClient, Depends(platform_client)]
