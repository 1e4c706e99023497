"""All SQL of a bulk import: the records its rows will look up, loaded by key beforehand; for an import that
writes in sets, the rows written in one go (shared/bulk_insert.py), batch after batch while the next batch is
checked; and fresh planner statistics afterwards."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from shared.bulk_insert import BulkRows, bulk_rows, insert_bulk
from shared.logging import get_logger
from shared.repository import Repository

log = get_logger("imports")
TableRows = list[tuple[type, list[dict[str, Any]]]]  # (model, its rows), in the order they are written


class ImportRepository(Repository[None]):
    """The reads and writes of an import, across the imported tables (no main model)."""

    async def every(self, model: type) -> list[Any]:
        """Every record of a table, loaded into the session."""
        return list(await self.session.scalars(select(model)))

    async def with_keys(self, model: type, keys: list[Any]) -> dict[Any, Any]:
        """The records of a table whose primary key is among `keys` (a few hundred), by key, loaded into the
        session."""
        key = inspect(model).primary_key[0]
        found = await self.session.scalars(select(model).where(key.in_(keys)))
        return {inspect(record).identity[0]: record for record in found}

    def writer(self) -> BatchWriter:
        return BatchWriter(self.session)

    async def refresh_statistics(self, models: list[type], created: int) -> None:
        """`refresh_statistics` on the import's own connection, inside its transaction."""
        await refresh_statistics(await self.session.connection(), models, created)


class BatchWriter:
    """Stores batches of table rows in the order they are sent, one table after another on the import's
    connection, while the import goes on checking the next batch: the database writes one batch (its COPY, its
    index entries and foreign-key checks, on the database server's core) while the service checks and prepares
    the next (on its own). The import yields to the event loop now and then (`asyncio.sleep(0)`) so that the
    writer can start its next statement. Measured on files of 1,000 to 50,000 organisations
    (docs/benchmarks.md, "Imports in a pipeline").

    Nothing else may use the session while the writer runs. `close` waits until everything sent is stored and
    raises what a write raised; after a failed write, `send` raises it at once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect
        self._queue: asyncio.Queue[list[BulkRows] | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._store())

    async def _store(self) -> None:
        while (batch := await self._queue.get()) is not None:
            for rows in batch:
                await insert_bulk(self.session, rows)

    def send(self, batch: TableRows) -> None:
        """Queues the batch's writes; their values are made ready here (shared.bulk_insert.bulk_rows), in the
        sender's turn, so that the writer's turns go to the statements alone."""
        if self._task.done():
            self._task.result()  # a failed write: its error, now
            raise RuntimeError("the batch writer is closed")
        self._queue.put_nowait([bulk_rows(self._dialect, model, rows) for model, rows in batch if rows])

    async def close(self) -> None:
        """Waits for the batches sent so far (an import that fails, too, lets the statement in flight end before
        its transaction rolls back, rather than cancelling it mid-COPY)."""
        self._queue.put_nowait(None)
        await self._task


GROWTH_WORTH_ANALYZING = 10  # an import that adds at least a tenth of a table's rows refreshes its statistics
# Rows ANALYZE samples are 300 times the target: 3,000 instead of the default 30,000 tell the planner the table's
# size and that its keys are unique as well, at a sixth of the cost (measured on 20,000 organisation names: 24
# against 105 ms); autovacuum's own ANALYZE after the commit, at the server's target, refines them.
IMPORT_STATISTICS_TARGET = 10
ROWS_PLANNED = text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)")  # as last analyzed


async def refresh_statistics(connection: AsyncConnection, models: list[type], created: int) -> None:
    """ANALYZE on PostgreSQL: a table that grew from a few rows to many within one import is otherwise planned
    as the small table autovacuum last saw (measured: a 100,000-row import slowed to a quarter once the table
    was large). Only where the import grew the table by a tenth or more: 1,000 rows into a 100,000-row table
    leave its plans as they were, and ANALYZE of the large table cost more than the import itself. SQLite plans
    by index. On the import's own connection (inside its transaction, whose new rows ANALYZE counts) or on one
    of its own after the commit (`refresh_statistics_later`)."""
    if connection.dialect.name != "postgresql":
        return
    stale = []
    for model in models:
        name = model.__tablename__  # type: ignore[attr-defined]
        known = (await connection.execute(ROWS_PLANNED, {"name": name})).scalar()
        if known is None or known < 0 or created * GROWTH_WORTH_ANALYZING >= known:
            stale.append(name)
    if not stale:
        return
    # For this transaction only: the target is the server's again when it ends.
    await connection.execute(text("SELECT set_config('default_statistics_target', :target, true)"),
                             {"target": str(IMPORT_STATISTICS_TARGET)})
    for name in stale:
        await connection.execute(text(f'ANALYZE "{name}"'))


async def refresh_statistics_later(engine: AsyncEngine, models: list[type], created: int) -> None:
    """`refresh_statistics` after the import has committed, on a connection of its own, once the answer has left
    (the import route hands it to the response's background tasks): the caller of a small import does not wait
    for it (ANALYZE of four small tables took 40-60 ms, a fifth of an import of 1,000 rows). A failure is
    logged; the import stands."""
    try:
        async with engine.begin() as connection:
            await refresh_statistics(connection, models, created)
    except Exception:  # noqa: BLE001 - statistics are an optimisation; the import has been stored
        log.exception("statistics_refresh_failed", tables=[m.__tablename__ for m in models])  # type: ignore[attr-defined]
