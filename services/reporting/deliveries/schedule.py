"""The yearly delivery (REPORTING_DELIVERY_SCHEDULE="MM-DD", e.g. "01-31"): from that day each year, the worker
composes the previous year's report as of that day (stored as a new version only if anything changed), and asks
for the delivery of the latest version, once a year.

Once: the run is a row keyed by the year it reports on, claimed by one replica. A run that fails (a service down)
is tried again ten minutes later; a claim left by a process that died is taken over after an hour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from services.reporting.deliveries.models import ScheduledRun
from services.reporting.deliveries.repository import DeliveryRepository
from services.reporting.deliveries.service import DeliveryService
from services.reporting.reports.schemas import AnnualReportIn
from services.reporting.reports.service import ReportGeneration, Sessions, today_in_sweden
from services.reporting.settings import ReportingSettings
from shared.database import own_transaction
from shared.identity import Principal, Role
from shared.logging import get_logger
from shared.records import aware, utcnow

SCHEDULE = Principal(subject="reporting-schedule", role=Role.NATIONAL_ADMIN)
RETRY_AFTER = timedelta(minutes=10)
STALE_CLAIM = timedelta(hours=1)
RUNNING, DONE, FAILED = "running", "done", "failed"
log = get_logger("schedule")


class ScheduledDelivery:
    def __init__(self, sessions: Sessions, settings: ReportingSettings,
                 generation: Callable[[Principal], ReportGeneration]) -> None:
        self.sessions = sessions
        self.settings = settings
        self.generation = generation

    async def run_if_due(self, today: date | None = None) -> int | None:
        """Runs the year's delivery when it is due and not yet run; answers the version delivered, if it ran."""
        today = today or today_in_sweden()
        day = self.settings.schedule_day(today.year)
        if day is None or today < day:
            return None
        year = today.year - 1
        if not await self._claim(year, day):
            return None
        try:
            generated = await self.generation(SCHEDULE).generate(AnnualReportIn(year=year, as_of=today))
            version = generated.answer.version
            async with own_transaction(self.sessions.writing) as session:
                await DeliveryService(session, SCHEDULE, self.settings).request(year, version)
        except Exception as exc:
            log.warning("scheduled_delivery_failed", year=year, error=str(exc)[:300])
            await self._finish(year, FAILED, reason=f"{type(exc).__name__}: {str(exc)[:400]}")
            return None
        await self._finish(year, DONE, version=version)
        log.info("scheduled_delivery", year=year, version=version)
        return version

    async def _claim(self, year: int, day: date) -> bool:
        now = utcnow()
        try:
            async with own_transaction(self.sessions.writing) as session:
                repository = DeliveryRepository(session)
                run = await repository.scheduled_run(year)
                if run is None:
                    repository.add_run(ScheduledRun(year=year, scheduled_on=day, status=RUNNING, started_at=now))
                    await session.flush()
                    return True
                if run.status == DONE or (run.status == RUNNING and aware(run.started_at) > now - STALE_CLAIM) or (
                        run.status == FAILED and run.retry_at is not None and aware(run.retry_at) > now):
                    return False
                run.status, run.started_at, run.retry_at = RUNNING, now, None
                return True
        except IntegrityError:  # another replica claimed it at the same moment
            return False

    async def _finish(self, year: int, status: str, *, version: int | None = None, reason: str | None = None) -> None:
        async with own_transaction(self.sessions.writing) as session:
            run = await DeliveryRepository(session).scheduled_run(year)
            if run is None:
                return
            run.status, run.version, run.reason = status, version, reason
            run.retry_at = utcnow() + RETRY_AFTER if status == FAILED else None
