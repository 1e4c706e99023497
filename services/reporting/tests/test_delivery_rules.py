"""Deliveries to SKR in-process: what one attempt makes of a delivery (delivered only on 2xx, failed at once on a
refusal, tried again after the backoff's delay, given up after the allowed attempts or age), two workers never
holding the same delivery, a worker whose claim was taken over recording nothing, one delivery per version, the
yearly schedule running once a year, and the settings that say when and where."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting import SERVICE_DIR
from services.reporting.deliveries.models import Delivery, DeliveryStatus
from services.reporting.deliveries.repository import DeliveryRepository
from services.reporting.deliveries.schedule import ScheduledDelivery
from services.reporting.deliveries.service import DeliveryService
from services.reporting.deliveries.worker import Claimed, DeliveryWorker, decide
from services.reporting.delivery.sender import AttemptOutcome
from services.reporting.reports.models import ReportVersion
from services.reporting.reports.schemas import AnnualReportIn
from services.reporting.reports.service import Sessions
from services.reporting.settings import ReportingSettings
from shared import migrations
from shared.database import create_engine, create_read_sessionmaker, create_sessionmaker, own_transaction
from shared.identity import Principal, Role
from shared.problems import Forbidden, NotFound
from shared.records import utcnow

pytestmark = pytest.mark.anyio
SETTINGS = ReportingSettings(skr_endpoint="http://127.0.0.1:9/skr", skr_webhook_secret="whsec_c2VjcmV0",
                             delivery_max_attempts=3, delivery_max_delay=60, delivery_max_age_hours=1)
ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
COUNTY = Principal(subject="county-20", role=Role.COUNTY, county_code="20")


def outcome(status: int | None, *, delivered: bool = False, retry: bool = True,
            retry_after: float | None = None) -> AttemptOutcome:
    return AttemptOutcome(delivered, retry, status, f"answered {status}", retry_after)


def test_an_attempt_is_delivered_only_on_2xx_and_a_refusal_fails_at_once() -> None:
    now = utcnow()
    ok = decide(outcome(204, delivered=True, retry=False), attempt=1, requested_at=now, now=now, settings=SETTINGS)
    assert (ok.status, ok.outcome, ok.next_attempt_at) == (DeliveryStatus.DELIVERED, "delivered", None)
    claimed = decide(outcome(302, delivered=True), attempt=1, requested_at=now, now=now, settings=SETTINGS)
    assert claimed.status is DeliveryStatus.PENDING  # "delivered" without a 2xx is not believed
    for refused in (400, 401, 404, 410, 422):
        failed = decide(outcome(refused, retry=True), attempt=1, requested_at=now, now=now, settings=SETTINGS)
        assert (failed.status, failed.outcome) == (DeliveryStatus.FAILED, "failed"), refused
    for retried in (408, 429, 500, 503, None):
        again = decide(outcome(retried), attempt=1, requested_at=now, now=now, settings=SETTINGS)
        assert again.status is DeliveryStatus.PENDING and again.outcome == "retry", retried
        assert now < again.next_attempt_at <= now + timedelta(seconds=SETTINGS.delivery_max_delay)


def test_a_delivery_is_given_up_after_the_allowed_attempts_or_age() -> None:
    now = utcnow()
    last = decide(outcome(503), attempt=3, requested_at=now, now=now, settings=SETTINGS)
    assert last.status is DeliveryStatus.FAILED and last.reason == "gave up after 3 attempts: answered 503"
    old = decide(outcome(503), attempt=1, requested_at=now - timedelta(hours=2), now=now, settings=SETTINGS)
    assert old.status is DeliveryStatus.FAILED and "older than 1 hours" in old.reason
    waited = decide(outcome(429, retry_after=30), attempt=1, requested_at=now, now=now, settings=SETTINGS)
    assert waited.next_attempt_at >= now + timedelta(seconds=30)  # what the receiver asked for, within the limit


def test_the_settings_say_when_and_where() -> None:
    assert SETTINGS.schema_url() == "http://127.0.0.1:8000/reporting/schemas/annual-report-v1.json"
    scheduled = ReportingSettings(delivery_schedule="02-29")
    assert scheduled.schedule_day(2024) == date(2024, 2, 29) and scheduled.schedule_day(2025) == date(2025, 2, 28)
    assert ReportingSettings().schedule_day(2025) is None
    for wrong in ("13-01", "1-31", "31/01", "02-30"):
        with pytest.raises(ValidationError, match="MM-DD"):
            ReportingSettings(delivery_schedule=wrong)
    with pytest.raises(ValidationError, match="without REPORTING_SKR_WEBHOOK_SECRET"):
        ReportingSettings(skr_endpoint="https://skr.example.se/hook")
    with pytest.raises(ValidationError, match="http"):
        ReportingSettings(skr_endpoint="ftp://skr.example.se/hook", skr_webhook_secret="whsec_c2VjcmV0")


async def stored_version(session: AsyncSession, year: int, version: int = 1) -> None:
    session.add(ReportVersion(year=year, version=version, as_of=date(year, 12, 31), generated_at=utcnow(),
                              generated_by="skr-admin", content_hash="sha256:" + "0" * 64, empty=True,
                              document='{"year": %d}' % year))
    await session.flush()


async def test_one_delivery_per_version_and_only_national_administrators_ask(session: AsyncSession) -> None:
    await stored_version(session, 2031)
    first = await DeliveryService(session, ADMIN, SETTINGS).request(2031, 1)
    again = await DeliveryService(session, ADMIN, SETTINGS).request(2031, 1)
    assert (first.created, again.created) == (True, False)
    assert first.answer.id == again.answer.id == "annual-report-2031-v1"
    assert (first.answer.status, first.answer.reason) == ("pending", "waiting for its first attempt")
    without = await DeliveryService(session, ADMIN, ReportingSettings()).request(2031, 1)
    assert without.answer.id == first.answer.id
    with pytest.raises(NotFound):
        await DeliveryService(session, ADMIN, SETTINGS).request(2031, 2)
    with pytest.raises(Forbidden):
        await DeliveryService(session, COUNTY, SETTINGS).request(2031, 1)


@pytest.fixture(scope="module")
def workers_database(new_database_url: Callable[[str], str]) -> str:
    """A database of its own, whose transactions commit: workers and the schedule open their own."""
    url = new_database_url("reporting_workers")
    migrations.upgrade(SERVICE_DIR, url)
    return url


@pytest.fixture(scope="module")
async def sessions(workers_database: str) -> AsyncIterator[Sessions]:
    engine = create_engine(workers_database)
    yield Sessions(writing=create_sessionmaker(engine), reading=create_read_sessionmaker(engine))
    await engine.dispose()


async def due_deliveries(sessions: Sessions, year: int, count: int) -> None:
    async with own_transaction(sessions.writing) as session:
        for version in range(1, count + 1):
            await stored_version(session, year, version)
            session.add(Delivery(id=f"annual-report-{year}-v{version}", year=year, version=version,
                                 status="pending", attempts=0, next_attempt_at=utcnow() - timedelta(seconds=1),
                                 created_at=utcnow(), created_by="skr-admin"))


def worker(sessions: Sessions, name: str, settings: ReportingSettings = SETTINGS) -> DeliveryWorker:
    return DeliveryWorker(sessions, settings, httpx.AsyncClient(), worker_id=name)


async def test_two_workers_never_hold_the_same_delivery(sessions: Sessions) -> None:
    await due_deliveries(sessions, 2032, 6)
    first, second = await asyncio.gather(worker(sessions, "first").claim(), worker(sessions, "second").claim())
    mine = {c.id for c in first if c.year == 2032}
    theirs = {c.id for c in second if c.year == 2032}
    assert not mine & theirs and len(mine | theirs) == 6
    assert [c for c in await worker(sessions, "third").claim() if c.year == 2032] == []  # all held


async def test_a_worker_whose_claim_was_taken_over_records_nothing(sessions: Sessions) -> None:
    await due_deliveries(sessions, 2033, 1)
    lapsing = ReportingSettings(**{**SETTINGS.model_dump(), "delivery_timeout": 0.01})
    slow = worker(sessions, "slow", lapsing)
    claimed = [c for c in await slow.claim() if c.year == 2033]
    assert len(claimed) == 1
    async with own_transaction(sessions.writing) as session:  # the claim lapses; another worker takes it
        delivery = await DeliveryRepository(session).get(claimed[0].id)
        delivery.claimed_until = utcnow() - timedelta(seconds=1)
    taken = [c for c in await worker(sessions, "fast").claim() if c.year == 2033]
    assert [c.id for c in taken] == [claimed[0].id]
    await slow.record(Claimed(id=claimed[0].id, year=2033, version=1), outcome(200, delivered=True, retry=False))
    await worker(sessions, "fast").record(taken[0], outcome(503))
    async with own_transaction(sessions.reading, writing=False) as session:
        delivery = await DeliveryRepository(session).get(claimed[0].id)
        attempts = (await DeliveryRepository(session).attempts_of([delivery.id]))[delivery.id]
    assert (delivery.status, delivery.attempts, delivery.claimed_by) == ("pending", 1, None)
    assert [(a.attempt, a.status_code, a.outcome) for a in attempts] == [(1, 503, "retry")]


@dataclass
class Answered:
    version: int


@dataclass
class Generated:
    answer: Answered
    created: bool = True


class FakeGeneration:
    def __init__(self, sessions: Sessions, fail: bool = False) -> None:
        self.sessions, self.fail, self.asked = sessions, fail, []

    def __call__(self, caller: Principal) -> FakeGeneration:
        assert caller.subject == "reporting-schedule"
        return self

    async def generate(self, data: AnnualReportIn) -> Generated:
        self.asked.append((data.year, data.as_of))
        if self.fail:
            raise RuntimeError("funding is down")
        async with own_transaction(self.sessions.writing) as session:
            await stored_version(session, data.year)
        return Generated(Answered(version=1))


async def test_the_yearly_schedule_delivers_the_previous_year_once(sessions: Sessions) -> None:
    settings = ReportingSettings(**{**SETTINGS.model_dump(), "delivery_schedule": "01-31"})
    generation = FakeGeneration(sessions)
    schedule = ScheduledDelivery(sessions, settings, generation)  # type: ignore[arg-type]
    assert await schedule.run_if_due(date(2035, 1, 30)) is None and generation.asked == []
    assert await schedule.run_if_due(date(2035, 1, 31)) == 1
    assert generation.asked == [(2034, date(2035, 1, 31))]
    assert await schedule.run_if_due(date(2035, 2, 1)) is None  # once a year
    assert generation.asked == [(2034, date(2035, 1, 31))]
    async with own_transaction(sessions.reading, writing=False) as session:
        delivery = await DeliveryRepository(session).of_version(2034, 1)
    assert delivery is not None and (delivery.status, delivery.created_by) == ("pending", "reporting-schedule")

    failing = FakeGeneration(sessions, fail=True)
    broken = ScheduledDelivery(sessions, settings, failing)  # type: ignore[arg-type]
    assert await broken.run_if_due(date(2036, 2, 1)) is None and failing.asked == [(2035, date(2036, 2, 1))]
    assert await broken.run_if_due(date(2036, 2, 1)) is None and len(failing.asked) == 1  # tried again later
