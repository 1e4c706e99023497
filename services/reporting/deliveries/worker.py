"""The delivery worker: one asyncio task in each process of the service, started and stopped with it.

Why in the service: a delivery is a row of this service's database and its body a version this service stores;
the worker needs nothing but them, SKR's endpoint and the signing secret, so it runs where they are, with no
queue or scheduler to deploy beside it. Replicas share the work safely: each tick, a worker claims the pending
deliveries that are due (a short transaction; PostgreSQL skips rows another worker is claiming, SQLite runs one
claiming transaction at a time) for as long as an attempt may take, sends each once (`send_once`: the version's
JSON document, Standard Webhooks signed, message id annual-report-<year>-v<version>), and records the attempt
only while its claim still holds. A worker that dies mid-attempt leaves a claim that lapses; the next worker
sends again under the same message id, which the receiver deduplicates on.

What an attempt decides (`decide`): delivered only when the endpoint answered 2xx; failed at once on a 4xx
other than 408 and 429; otherwise tried again after the backoff policy's delay (`next_delay`, at most
REPORTING_DELIVERY_MAX_DELAY), unless that was the last attempt allowed or the delivery has grown too old.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from services.reporting.audit.service import trail
from services.reporting.deliveries.models import Delivery, DeliveryAttempt, DeliveryStatus
from services.reporting.deliveries.presenter import delivery_snapshot
from services.reporting.deliveries.repository import DeliveryRepository
from services.reporting.deliveries.schedule import ScheduledDelivery
from services.reporting.delivery.retry import next_delay
from services.reporting.delivery.sender import AttemptOutcome, send_once
from services.reporting.reports.repository import ReportRepository
from services.reporting.reports.service import Sessions
from services.reporting.settings import ReportingSettings
from shared.database import own_transaction
from shared.identity import Principal, Role
from shared.logging import get_logger
from shared.records import aware, utcnow

WORKER = Principal(subject="reporting-delivery", role=Role.NATIONAL_ADMIN)
BATCH = 10  # deliveries claimed at a time
CLAIM_MARGIN = timedelta(seconds=30)  # a claim outlives the attempt's time limit by this much
RETRIED = frozenset({408, 429})
log = get_logger("deliveries")


@dataclass(frozen=True)
class Decision:
    status: DeliveryStatus
    outcome: str  # delivered, retry or failed
    reason: str
    next_attempt_at: datetime | None


def decide(answer: AttemptOutcome, *, attempt: int, requested_at: datetime, now: datetime,
           settings: ReportingSettings) -> Decision:
    """What attempt number `attempt` of a delivery requested at `requested_at` makes of it."""
    code = answer.status_code
    if answer.delivered and code is not None and 200 <= code < 300:
        return Decision(DeliveryStatus.DELIVERED, "delivered", answer.reason, None)
    refused = code is not None and 400 <= code < 500 and code not in RETRIED
    if refused or not answer.retry:
        return Decision(DeliveryStatus.FAILED, "failed", answer.reason, None)
    if attempt >= settings.delivery_max_attempts:
        return Decision(DeliveryStatus.FAILED, "failed", f"gave up after {attempt} attempts: {answer.reason}", None)
    delay = min(next_delay(attempt, answer.retry_after), settings.delivery_max_delay)
    next_at = now + timedelta(seconds=max(delay, 0.0))
    if next_at - requested_at > timedelta(hours=settings.delivery_max_age_hours):
        return Decision(DeliveryStatus.FAILED, "failed", f"gave up after {attempt} attempts, older than "
                                                         f"{settings.delivery_max_age_hours:g} hours: {answer.reason}",
                        None)
    return Decision(DeliveryStatus.PENDING, "retry", answer.reason, next_at)


@dataclass(frozen=True)
class Claimed:
    id: str
    year: int
    version: int


class DeliveryWorker:
    def __init__(self, sessions: Sessions, settings: ReportingSettings, client: httpx.AsyncClient,
                 schedule: ScheduledDelivery | None = None, worker_id: str | None = None) -> None:
        self.sessions = sessions
        self.settings = settings
        self.client = client
        self.schedule = schedule
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:12]}"

    async def run(self) -> None:
        """Ticks until cancelled; a tick that fails is logged and the next one tries again."""
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery_tick_failed", worker=self.worker_id)
            await asyncio.sleep(self.settings.delivery_poll_seconds)

    async def tick(self) -> int:
        """The schedule's run when due, then one attempt of each delivery due; answers how many were sent."""
        if self.schedule is not None:
            await self.schedule.run_if_due()
        if not self.settings.skr_endpoint:
            return 0
        claimed = await self.claim()
        for delivery in claimed:
            await self.attempt(delivery)
        return len(claimed)

    async def claim(self) -> list[Claimed]:
        now = utcnow()
        until = now + timedelta(seconds=self.settings.delivery_timeout) + CLAIM_MARGIN
        async with own_transaction(self.sessions.writing) as session:
            rows = await DeliveryRepository(session).claim_due(now=now, worker=self.worker_id, until=until,
                                                               limit=BATCH)
            return [Claimed(id=d.id, year=d.year, version=d.version) for d in rows]

    async def attempt(self, claimed: Claimed) -> None:
        async with own_transaction(self.sessions.reading, writing=False) as session:
            report = await ReportRepository(session).version(claimed.year, claimed.version)
            body = report.document.encode() if report is not None else None
        if body is None:  # never: versions are not deleted
            answer = AttemptOutcome(False, False, None, "the report version is missing", None)
        else:
            answer = await send_once(self.client, self.settings.skr_endpoint, self.settings.skr_webhook_secret,
                                     claimed.id, body)
        await self.record(claimed, answer)

    async def record(self, claimed: Claimed, answer: AttemptOutcome) -> None:
        now = utcnow()
        async with own_transaction(self.sessions.writing) as session:
            repository = DeliveryRepository(session)
            delivery = await repository.claimed(claimed.id, self.worker_id)
            if delivery is None or delivery.status != DeliveryStatus.PENDING.value:
                log.warning("delivery_claim_lost", delivery=claimed.id, worker=self.worker_id)
                return
            number = delivery.attempts + 1
            decision = decide(answer, attempt=number, requested_at=aware(delivery.created_at), now=now,
                              settings=self.settings)
            repository.add_attempt(DeliveryAttempt(delivery_id=delivery.id, attempt=number, at=now,
                                                   status_code=answer.status_code, outcome=decision.outcome,
                                                   reason=decision.reason[:500],
                                                   next_attempt_at=decision.next_attempt_at))
            self._apply(delivery, number, decision, now)
            await repository.flush()
            if decision.status is not DeliveryStatus.PENDING:
                trail(session, WORKER).record(decision.status.value, "delivery", delivery.id, county=None,
                                              after=delivery_snapshot(delivery))
            log.info("delivery_attempt", delivery=delivery.id, attempt=number, outcome=decision.outcome,
                     status_code=answer.status_code, reason=decision.reason)

    @staticmethod
    def _apply(delivery: Delivery, number: int, decision: Decision, now: datetime) -> None:
        delivery.attempts = number
        delivery.status = decision.status.value
        delivery.reason = decision.reason[:500]
        delivery.next_attempt_at = decision.next_attempt_at
        delivery.delivered_at = now if decision.status is DeliveryStatus.DELIVERED else None
        delivery.claimed_by = delivery.claimed_until = None
