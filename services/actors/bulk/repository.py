"""All SQL of a bulk import that writes in sets: the rows written in one go, and fresh planner statistics
afterwards."""

from __future__ import annotations

from typing import Any

import orjson
from asyncpg.exceptions import IntegrityConstraintViolationError
from sqlalchemy import Table, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

INSERT_BATCH = 2000  # rows per execute; SQLAlchemy sends them as multi-row INSERTs ("insertmanyvalues")


async def insert_rows(session: AsyncSession, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows of plain values, every row with the same keys; the columns left out take their defaults. Core
    statements on the table: the ORM's bulk path would cost more per row than the database does. On PostgreSQL
    one COPY per table (asyncpg's binary COPY): measured on an import of 10,000 organisations, a third less
    CPU than the multi-row INSERTs in the service and in the database together (docs/benchmarks.md)."""
    if not rows:
        return
    table: Table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        await _copy_rows(session, table, rows)
        return
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(table), rows[start:start + INSERT_BATCH])


async def _copy_rows(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY … FROM STDIN inside the session's transaction. What an INSERT statement would add is added here:
    the columns' Python-side defaults (a version, a time of creation), and JSON as the dialect writes it. A
    column with neither a value nor a Python default (a serial id) is left to the database."""
    given = list(rows[0])
    defaults = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        # One value for the whole file, as the audit events' shared time: scalars as they are, callables
        # (utcnow) once.
        defaults[column.name] = default.arg if default.is_scalar else default.arg(None)  # type: ignore[attr-defined]
    columns = given + list(defaults)
    # JSON as text by orjson: the same JSON as the dialect's json.dumps writes (whitespace and the escaping of
    # å, ä, ö aside), at a fraction of the cost for an import's thousands of audit snapshots.
    def to_json(value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    json_at = [i for i, name in enumerate(columns) if table.columns[name].type._type_affinity.__name__ == "JSON"]
    extra = tuple(defaults.values())
    if json_at:
        def record(row: dict[str, Any]) -> tuple[Any, ...]:
            values = [*row.values(), *extra]
            for i in json_at:
                if values[i] is not None:
                    values[i] = to_json(values[i])
            return tuple(values)
        records = [record(row) for row in rows]
    else:
        records = [(*row.values(), *extra) for row in rows]
    connection = await session.connection()
    # The import has run its lock and lookups on this connection already, so asyncpg's transaction is open and
    # the COPY belongs to it (rolled back with the rest when a later step fails).
    driver = (await connection.get_raw_connection()).driver_connection
    try:
        await driver.copy_records_to_table(table.name, records=records, columns=columns)  # type: ignore[union-attr]
    except IntegrityConstraintViolationError as exc:  # as an INSERT's: a race lost is 409 (shared/problems.py)
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc


GROWTH_WORTH_ANALYZING = 10  # an import that adds at least a tenth of a table's rows refreshes its statistics
# Rows ANALYZE samples are 300 times the target: 3,000 instead of the default 30,000 tell the planner the table's
# size and that its keys are unique as well, at a sixth of the cost (measured on 20,000 organisation names: 24
# against 105 ms); autovacuum's own ANALYZE after the commit, at the server's target, refines them.
IMPORT_STATISTICS_TARGET = 10


async def refresh_statistics(session: AsyncSession, models: list[type], created: int) -> None:
    """ANALYZE on PostgreSQL: a table that grew from a few rows to many within one import is otherwise planned
    as the small table autovacuum last saw (measured: a 100,000-row import slowed to a quarter once the table
    was large). Inside the import's transaction, whose own new rows ANALYZE counts. Only where the import grew
    the table by a tenth or more: 1,000 rows into a 100,000-row table leave its plans as they were, and ANALYZE
    of the large table cost more than the import itself. SQLite plans by index."""
    if session.get_bind().dialect.name != "postgresql":
        return
    stale = []
    for model in models:
        name = model.__tablename__  # type: ignore[attr-defined]
        known = (await session.execute(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
                                       {"name": name})).scalar()
        if known is None or known < 0 or created * GROWTH_WORTH_ANALYZING >= known:
            stale.append(name)
    if not stale:
        return
    target = (await session.execute(text("SELECT current_setting('default_statistics_target')"))).scalar()
    await session.execute(text("SELECT set_config('default_statistics_target', :target, true)"),
                          {"target": str(IMPORT_STATISTICS_TARGET)})
    for name in stale:
        await session.execute(text(f'ANALYZE "{name}"'))
    await session.execute(text("SELECT set_config('default_statistics_target', :target, true)"),
                          {"target": target})
