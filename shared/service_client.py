"""Calling the platform from a service: through the gateway, with the service's own key, one client per process.

A service that needs another's answers (funding reads the actor registry) calls the platform's public API
through the gateway, as any integrating system would: the gateway authenticates the service's own API key and
applies its routing, identity and limits, so no service reaches past another's rules. The client is created
once, in the service's lifespan (`attach_platform_client`), and reused by every request.

* The caller's request id (bound to the log context by the request middleware) goes along as X-Request-ID, so a
  registry log line can be found from the funding request that caused it.
* Answers that carry an ETag or a freshness lifetime are kept (a bounded number, least recently used first out),
  as an HTTP cache does (RFC 9111): while an answer is fresh (`Cache-Control: max-age`, less any `Age`, as each
  answer says; the registry gives its reference data a minute) it is used without asking; after that it is
  revalidated with If-None-Match, and a 304 reuses the kept answer (and renews its lifetime), so an unchanged
  answer is not transferred again. `no-cache` answers are revalidated every time; `no-store` ones are not kept.
* A platform that cannot be reached (refused connection, time-out, 5xx from the gateway) raises
  `PlatformUnavailable`, a 503 problem: a write that needs the answer stores nothing.
* Calls made while a request is handled name that request's caller in X-RSS-On-Behalf-Of: the gateway, which
  trusts the header from service keys alone, spends them from a budget of the service for that caller, so one
  caller's traffic cannot spend what the service's calls for everybody else need. One request makes at most
  MAX_CALLS_PER_REQUEST calls (answers kept fresh cost none); past that it is refused with 422 before the call.
  A service whose one operation reads the whole platform by design (reporting's annual report, the dashboard's
  national overview) gives its client a larger, stated budget (`calls_per_request`).
"""

from __future__ import annotations

import re
import time
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

from shared.problems import InvalidInput, ProblemError
from shared.request_context import REQUEST_ID_HEADER, request_state

RETRY_AFTER_SECONDS = 5
ON_BEHALF_OF_HEADER = "X-RSS-On-Behalf-Of"
# The calls one request may make to the platform: every question a request asks is answered by a few list reads
# (many ids in one call), so a request past this is one whose input makes it fan out.
MAX_CALLS_PER_REQUEST = 25
_CALLS = "platform_calls"  # in the request's state: the calls it has made


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
    fresh: bool = False  # the kept answer was still fresh: nothing was sent


@dataclass
class ClientCounts:
    sent: int = 0
    not_modified: int = 0
    fresh: int = 0  # answered from a kept answer within its lifetime, without a request


@dataclass
class _Kept:
    etag: str | None
    body: Any
    max_age: float  # the answer's freshness lifetime in seconds (0: revalidate every time)
    fresh_until: float  # on the client's clock


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]+)\"?\s*(?:,|$)", re.IGNORECASE)


def freshness(headers: httpx.Headers) -> tuple[bool, float | None]:
    """(may be kept, max-age in seconds or None) from an answer's Cache-Control (RFC 9111, 5.2.2): no-store is
    not kept; no-cache means a lifetime of 0; otherwise max-age, as given."""
    directives = headers.get("cache-control", "").lower()
    if "no-store" in directives:
        return False, None
    if "no-cache" in directives:
        return True, 0.0
    match = _MAX_AGE.search(directives)
    return True, float(match.group(1)) if match else None


def _age(headers: httpx.Headers) -> float:
    value = headers.get("age", "").strip()
    return float(value) if value.isdigit() else 0.0


class PlatformClient:
    """GETs against the platform's public API, as the service's own principal."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = 10.0, kept_answers: int = 256,
                 transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 calls_per_request: int = MAX_CALLS_PER_REQUEST) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["X-API-Key"] = api_key
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._kept_answers = kept_answers
        self._clock = clock
        self.calls_per_request = calls_per_request
        self.counts = ClientCounts()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> PlatformAnswer:
        """One GET; `what` names the answer in a 503 problem ("the registry's municipalities")."""
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))
        url = f"{path}?{query}" if query else path
        kept = self._kept.get(url)
        if kept is not None and self._clock() < kept.fresh_until:
            self.counts.fresh += 1
            self._kept.move_to_end(url)
            return PlatformAnswer(status=200, body=kept.body, etag=kept.etag, revalidated=False, fresh=True)
        headers = {}
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        state = request_state()
        if state is not None:
            calls = state[_CALLS] = state.get(_CALLS, 0) + 1
            if calls > self.calls_per_request:
                raise InvalidInput(f"This request needs more than {self.calls_per_request} questions to the "
                                   f"platform to be answered (at {what}); send fewer items in one request.",
                                   limit=self.calls_per_request)
            principal = state.get("principal")
            if principal is not None:
                headers[ON_BEHALF_OF_HEADER] = principal.subject
        if kept is not None and kept.etag:
            headers["If-None-Match"] = kept.etag
        self.counts.sent += 1
        try:
            response = await self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise PlatformUnavailable(f"The platform could not be reached for {what} ({type(exc).__name__}); "
                                      "nothing was stored. Try again shortly.") from None
        if response.status_code == 304 and kept is not None:
            self.counts.not_modified += 1
            # A 304 updates the kept answer's headers (RFC 9111, 4.3.4): its own lifetime if it gives one.
            _keep, max_age = freshness(response.headers)
            kept.max_age = kept.max_age if max_age is None else max_age
            kept.fresh_until = self._clock() + kept.max_age - _age(response.headers)
            self._kept.move_to_end(url)
            return PlatformAnswer(status=200, body=kept.body, etag=kept.etag, revalidated=True)
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            # The service's own key refused or the platform down: the caller's request is not at fault.
            raise PlatformUnavailable(f"The platform did not answer for {what} (status {response.status_code}); "
                                      "nothing was stored. Try again shortly.")
        body = orjson.loads(response.content) if response.content else None
        etag = response.headers.get("etag")
        if response.status_code == 200:
            self._keep(url, etag, body, response.headers)
        return PlatformAnswer(status=response.status_code, body=body, etag=etag, revalidated=False)

    def _keep(self, url: str, etag: str | None, body: Any, headers: httpx.Headers) -> None:
        """Keeps a 200 that can be revalidated (an ETag) or reused for a while (a max-age), unless no-store."""
        keep, max_age = freshness(headers)
        if not keep or (etag is None and not max_age):
            self._kept.pop(url, None)
            return
        lifetime = max_age or 0.0
        self._kept[url] = _Kept(etag=etag, body=body, max_age=lifetime,
                                fresh_until=self._clock() + lifetime - _age(headers))
        self._kept.move_to_end(url)
        while len(self._kept) > self._kept_answers:
            self._kept.popitem(last=False)

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]:
        """Every item of a paged list (the platform's keyset pages: `items`, `next_cursor`). A list of one page is
        the kept answer's own list, the same object while the answer is kept: read it, never change it."""
        items: list[Any] = []
        cursor = None
        while True:
            answer = await self.get(path, {**(params or {}), "limit": limit, "cursor": cursor}, what=what)
            if answer.status != 200:
                raise PlatformUnavailable(f"The platform answered {answer.status} for {what}.")
            cursor = answer.body.get("next_cursor")
            if not cursor and not items:
                return answer.body["items"]
            items.extend(answer.body["items"])
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
