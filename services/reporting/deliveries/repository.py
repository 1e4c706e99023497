"""All SQL of deliveries, their attempts and the yearly schedule's runs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select

from services.reporting.deliveries.models import Delivery, DeliveryAttempt, DeliveryStatus, ScheduledRun
from shared.locks import hold
from shared.pagination import count_rows
from shared.repository import Repository, where_equal


class DeliveryRepository(Repository[Delivery]):
    model = Delivery
    noun = "delivery"

    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def hold_version(self, year: int, version: int) -> None:
        await hold(self.session, ("deliveries", year, version))

    async def of_version(self, year: int, version: int) -> Delivery | None:
        return await self.session.scalar(select(Delivery).where(Delivery.year == year, Delivery.version == version))

    async def search(self, *, status: str | None, after: list | None,
                     limit: int) -> tuple[Sequence[Delivery], int]:
        """A page of deliveries, the newest report first; `after`: [year, version] of the last one served."""
        query = where_equal(select(Delivery), (Delivery.status, status))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(or_(Delivery.year < after[0],
                                    and_(Delivery.year == after[0], Delivery.version < after[1])))
        page = query.order_by(Delivery.year.desc(), Delivery.version.desc()).limit(limit)
        return (await self.session.scalars(page)).all(), count

    async def attempts_of(self, delivery_ids: list[str]) -> dict[str, list[DeliveryAttempt]]:
        """The attempts of these deliveries, in order, in one query."""
        found: dict[str, list[DeliveryAttempt]] = defaultdict(list)
        if delivery_ids:
            attempts = await self.session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.delivery_id.in_(delivery_ids)).order_by(DeliveryAttempt.attempt))
            for attempt in attempts:
                found[attempt.delivery_id].append(attempt)
        return found

    async def claim_due(self, *, now: datetime, worker: str, until: datetime, limit: int) -> list[Delivery]:
        """Claims up to `limit` pending deliveries due by `now` that no worker holds (or whose claim has lapsed)
        for `worker` until `until`. PostgreSQL: rows another worker is claiming right now are skipped (FOR
        UPDATE SKIP LOCKED); SQLite: the claiming transaction runs alone."""
        query = (select(Delivery)
                 .where(Delivery.status == DeliveryStatus.PENDING.value, Delivery.next_attempt_at <= now,
                        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))
                 .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit))
        if self._postgresql():
            query = query.with_for_update(skip_locked=True)
        claimed = list((await self.session.scalars(query)).all())
        for delivery in claimed:
            delivery.claimed_by, delivery.claimed_until = worker, until
        await self.session.flush()
        return claimed

    async def claimed(self, delivery_id: str, worker: str) -> Delivery | None:
        """The delivery, if `worker` still holds its claim (held to the end of the transaction)."""
        query = select(Delivery).where(Delivery.id == delivery_id, Delivery.claimed_by == worker)
        if self._postgresql():
            query = query.with_for_update()
        return await self.session.scalar(query.execution_options(populate_existing=True))

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self.session.add(attempt)

    async def scheduled_run(self, year: int) -> ScheduledRun | None:
        query = select(ScheduledRun).where(ScheduledRun.year == year)
        if self._postgresql():
            query = query.with_for_update()
        return await self.session.scalar(query.execution_options(populate_existing=True))

    def add_run(self, run: ScheduledRun) -> None:
        self.session.add(run)
