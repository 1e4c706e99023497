"""The parts of a delivery to SKR, each against a real receiver: an HTTP server on a free local port that checks
the signature the way a receiver would (standardwebhooks), or answers the ways a receiver can fail."""

from __future__ import annotations

import asyncio
import base64
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from aiohttp import web
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.reporting.delivery.retry import (
    BASE_DELAY,
    MAX_DELAY,
    next_delay,
    parse_retry_after,
    should_retry,
)
from services.reporting.delivery.sender import AttemptOutcome, send_once
from services.reporting.delivery.signing import new_secret, signed_headers

pytestmark = pytest.mark.anyio

BODY = '{"year":2026,"version":3,"title":"Årsrapport 2026","allocated":122553500}'.encode()


@dataclass
class Receiver:
    url: str
    secret: str
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def at(self, path: str) -> str:
        return self.url + path


@asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    """SKR's side: /hook verifies the signature and answers 204 (401 when it does not verify); the other paths
    answer as a receiver in trouble does."""
    secret = new_secret()
    state = Receiver(url="", secret=secret)

    async def record(request: web.Request) -> bytes:
        body = await request.read()
        state.received.append((request.path, dict(request.headers), body))
        return body

    async def hook(request: web.Request) -> web.Response:
        body = await record(request)
        try:
            Webhook(secret).verify(body, dict(request.headers))
        except WebhookVerificationError as error:
            return web.Response(status=401, text=str(error))
        return web.Response(status=204)

    async def busy(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(status=503, headers={"Retry-After": "2"})

    async def refuse(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response({"title": "Bad request"}, status=400)

    async def too_many(request: web.Request) -> web.Response:
        await record(request)
        later = datetime.now(timezone.utc) + timedelta(seconds=120)
        return web.Response(status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        await asyncio.wait_for(state.release.wait(), 30)
        return web.Response(status=204)

    async def moved(request: web.Request) -> web.Response:
        await record(request)
        raise web.HTTPFound("/hook")

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_post("/busy", busy)
    app.router.add_post("/refuse", refuse)
    app.router.add_post("/too-many", too_many)
    app.router.add_post("/slow", slow)
    app.router.add_post("/moved", moved)
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()


async def send(server: Receiver, path: str, *, secret: str | None = None, timeout: float = 10.0) -> AttemptOutcome:
    async with httpx.AsyncClient() as client:
        return await send_once(client, server.at(path), secret or server.secret, "delivery-2026-3", BODY,
                               timeout=timeout)


# --- sending -------------------------------------------------------------------------------------------------------


async def test_a_signed_report_is_verified_by_the_receiver_and_delivered() -> None:
    async with receiver() as server:
        outcome = await send(server, "/hook")
    assert outcome == AttemptOutcome(delivered=True, retry=False, status_code=204, reason="delivered (HTTP 204)",
                                     retry_after=None)
    [(_, headers, body)] = server.received
    assert body == BODY
    assert headers["Content-Type"] == "application/json"
    assert headers["webhook-id"] == "delivery-2026-3"
    assert headers["webhook-signature"].startswith("v1,")


async def test_a_report_signed_with_another_secret_is_refused_by_the_receiver() -> None:
    async with receiver() as server:
        outcome = await send(server, "/hook", secret=new_secret())
    assert outcome.status_code == 401 and not outcome.delivered and not outcome.retry
    assert outcome.reason == "HTTP 401 from the receiver: refused, not retried"


async def test_a_busy_receiver_is_retried_when_it_says() -> None:
    async with receiver() as server:
        outcome = await send(server, "/busy")
    assert (outcome.delivered, outcome.retry, outcome.status_code, outcome.retry_after) == (False, True, 503, 2.0)
    assert outcome.reason == "HTTP 503 from the receiver"
    assert next_delay(1, outcome.retry_after) == 2.0


async def test_a_bad_request_is_not_retried() -> None:
    async with receiver() as server:
        outcome = await send(server, "/refuse")
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, False, 400)
    assert "400" in outcome.reason and "not retried" in outcome.reason


async def test_too_many_requests_is_retried_after_the_date_it_names() -> None:
    async with receiver() as server:
        outcome = await send(server, "/too-many")
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, True, 429)
    assert outcome.retry_after is not None and 100 <= outcome.retry_after <= 120


async def test_a_receiver_that_does_not_answer_in_time_is_retried() -> None:
    async with receiver() as server:
        outcome = await send(server, "/slow", timeout=0.3)
        assert len(server.received) == 1, "the request arrived; the answer did not"
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, True, None)
    assert outcome.reason == "no answer within 0.3 s (timeout)"


async def test_a_redirect_is_not_followed_and_not_delivered() -> None:
    async with receiver() as server:
        outcome = await send(server, "/moved")
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, False, 302)
    assert outcome.reason == "HTTP 302 from the receiver: redirect to /hook not followed"
    assert [path for path, _, _ in server.received] == ["/moved"], "the redirect's target got nothing"


async def test_a_receiver_that_is_down_is_retried() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, never listening: the connection is refused
        async with httpx.AsyncClient() as client:
            outcome = await send_once(client, f"http://127.0.0.1:{port}/hook", new_secret(), "m-1", BODY)
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, True, None)
    assert outcome.reason == "connection failed (ConnectError)"


async def test_an_endpoint_that_is_not_http_is_not_retried() -> None:
    async with httpx.AsyncClient() as client:
        outcome = await send_once(client, "ftp://skr.example/hook", new_secret(), "m-1", BODY)
    assert (outcome.delivered, outcome.retry, outcome.status_code) == (False, False, None)
    assert outcome.reason == "the endpoint is not an http(s) URL"


# --- signing -------------------------------------------------------------------------------------------------------


def test_a_new_secret_is_a_standard_webhooks_secret_and_never_repeats() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_the_signature_covers_the_body_the_id_and_the_time() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "delivery-2026-3", BODY)
    assert Webhook(secret).verify(BODY, headers)["title"] == "Årsrapport 2026"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"122553500", b"122553501"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "delivery-2026-4"})
    old = signed_headers(secret, "delivery-2026-3", BODY, at=datetime.now(timezone.utc) - timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, old)


# --- when to try again ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "retried"), [
    (None, True), (500, True), (502, True), (503, True), (504, True), (408, True), (429, True),
    (400, False), (401, False), (403, False), (404, False), (409, False), (410, False), (413, False),
    (422, False), (302, False),
])
def test_what_is_retried(status: int | None, retried: bool) -> None:
    assert should_retry(status) is retried


def test_the_delay_is_jittered_within_a_growing_capped_ceiling() -> None:
    rng = random.Random(20261206)
    for attempt in range(1, 80):
        ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** (attempt - 1))
        draws = [next_delay(attempt, None, rng=rng) for _ in range(400)]
        assert all(0.0 <= delay <= ceiling for delay in draws), attempt
        assert max(draws) > ceiling * 0.9, "full jitter reaches up to the ceiling"
        assert min(draws) < ceiling * 0.1, "and down to nothing"
        assert len(set(draws)) > 390, "two failures at once do not come back together"
    assert max(next_delay(1, None, rng=rng) for _ in range(400)) <= BASE_DELAY
    assert max(next_delay(5000, None, rng=rng) for _ in range(400)) <= MAX_DELAY


def test_the_delay_grows_with_each_attempt_until_the_cap() -> None:
    rng = random.Random(7)
    means = [sum(next_delay(a, None, base=1.0, cap=100.0, rng=rng) for _ in range(4000)) / 4000 for a in range(1, 10)]
    # full jitter: the mean is half the ceiling, 0.5, 1, 2, ... 32, then 50 once the cap of 100 holds
    for attempt, mean in enumerate(means, start=1):
        expected = min(100.0, 2 ** (attempt - 1)) / 2
        assert expected * 0.9 < mean < expected * 1.1, (attempt, mean)


def test_the_delay_honours_retry_after_within_the_cap() -> None:
    assert next_delay(1, 2.0) == 2.0
    assert next_delay(9, 0.0) == 0.0
    assert next_delay(3, 120.0, cap=60.0) == 60.0
    assert next_delay(1, 10 * 24 * 3600.0) == MAX_DELAY
    assert next_delay(1, -5.0) == 0.0
    with pytest.raises(ValueError):
        next_delay(0, None)


def test_retry_after_is_read_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 12, 6, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("2", now) == 2.0
    assert parse_retry_after(" 120 ", now) == 120.0
    assert parse_retry_after("Sun, 06 Dec 2026 10:01:30 GMT", now) == 90.0
    assert parse_retry_after("Sun, 06 Dec 2026 09:00:00 GMT", now) == 0.0, "a date passed: at once"
    for unusable in (None, "", "soon", "-3", "1.5", "²", "Sun, 99 Foo 2026"):
        assert parse_retry_after(unusable, now) is None, unusable
