"""Asking for a delivery and reading deliveries.

A national administrator asks for a version of a year's report to be delivered to SKR: one delivery per (year,
version), so asking again answers the one there is (200), however often and however many ask at once (the
version is held while it is looked for; the unique (year, version) backs it). The delivery is pending until the
worker (deliveries/worker.py) has sent it; without an endpoint set it stays pending, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.audit.service import trail
from services.reporting.deliveries.models import Delivery, DeliveryStatus
from services.reporting.deliveries.presenter import delivery_out, delivery_snapshot
from services.reporting.deliveries.repository import DeliveryRepository
from services.reporting.deliveries.schemas import DeliveryOut
from services.reporting.reports.repository import ReportRepository
from services.reporting.settings import ReportingSettings
from shared.authorization import require_national
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import NotFound
from shared.records import utcnow

NO_ENDPOINT = "no endpoint set"
WAITING = "waiting for its first attempt"


def message_id(year: int, version: int) -> str:
    """What SKR's endpoint receives as webhook-id, and deduplicates on."""
    return f"annual-report-{year}-v{version}"


@dataclass(frozen=True)
class Requested:
    answer: DeliveryOut
    created: bool


class DeliveryService:
    def __init__(self, session: AsyncSession, caller: Principal, settings: ReportingSettings) -> None:
        self.session = session
        self.caller = caller
        self.settings = settings
        self.repository = DeliveryRepository(session)

    async def request(self, year: int, version: int) -> Requested:
        require_national(self.caller, "a delivery to SKR")
        if await ReportRepository(self.session).version(year, version) is None:
            raise NotFound(f"No version {version} of the report of {year}.")
        await self.repository.hold_version(year, version)
        existing = await self.repository.of_version(year, version)
        if existing is not None:
            return Requested(await self._out(existing), created=False)
        now = utcnow()
        delivery = Delivery(id=message_id(year, version), year=year, version=version,
                            status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now,
                            reason=WAITING if self.settings.skr_endpoint else NO_ENDPOINT, created_at=now,
                            created_by=self.caller.subject)
        self.repository.add(delivery)
        await self.repository.flush()
        trail(self.session, self.caller).record("request", "delivery", delivery.id, county=None,
                                                after=delivery_snapshot(delivery))
        return Requested(delivery_out(delivery, []), created=True)

    async def search(self, *, status: str | None, paging: PageRequest) -> Page[DeliveryOut]:
        rows, count = await self.repository.search(status=status, after=paging.after_keys(int, int),
                                                   limit=paging.limit + 1)
        attempts = await self.repository.attempts_of([d.id for d in rows])
        return paging.page([delivery_out(d, attempts.get(d.id, [])) for d in rows], count=count,
                           sort_key=lambda d: [d.year, d.version])

    async def read(self, delivery_id: str) -> DeliveryOut:
        delivery = await self.repository.get(delivery_id)
        if delivery is None:
            raise NotFound(f"No delivery {delivery_id}.")
        return await self._out(delivery)

    async def _out(self, delivery: Delivery) -> DeliveryOut:
        attempts = await self.repository.attempts_of([delivery.id])
        return delivery_out(delivery, attempts.get(delivery.id, []))
