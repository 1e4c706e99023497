"""Many rows into one table in one go: the one bulk insert of every service (the registry's CSV imports, funding's
allocation shares and ledger entries, surveys' answers).

Rows are plain column values, every row of a call with the same keys; a column a row leaves out takes its
Python-side default (one value for the whole call: a scalar as it is, a callable such as `utcnow` called once),
or else the database's (a serial id). The rows are made ready first (`bulk_rows`: each value as the dialect's
bind processor makes it, so the stored values are the ones an INSERT through SQLAlchemy stores), then written on
the request session's own connection, inside its transaction (`insert_bulk`):

  - PostgreSQL: one COPY per table and chunk, asyncpg's binary `copy_records_to_table` on the session's driver
    connection; JSON columns as text made by orjson (None stays SQL NULL). Measured against one
    INSERT ... SELECT FROM jsonb_to_recordset of one bound JSON value and against executemany, on the rows the
    services write (median ms, wall): 290 allocation shares 3.5-3.7 (JSON 4.9-8.5, executemany 7.2-12.9), 290
    ledger entries 2.6 (4.3-6.1, 6.8-9.4), 2,030 entries 17-21 (30-34, 46-53), 70 answers 0.9 (0.9-1.1,
    1.5-1.6), an import batch of 250 organisations in four tables 11-14 (14-16, 22-29). JSON costs the service
    less CPU (0.4 against 0.5-0.7 ms for 290 rows) but the database more: COPY is the fastest, whatever the size.
  - SQLite: executemany of one INSERT, built once per table and columns, on the driver (aiosqlite): 20-28 %
    less time than SQLAlchemy's executemany of the same rows (290 ledger entries 2.7 against 3.8 ms), which makes
    each row's parameters anew.

A list longer than CHUNK_ROWS is made ready and written a chunk at a time, so that the event loop serves other
requests between chunks rather than waiting for a whole list's values to be made. The pending changes of the
session are flushed first, as SQLAlchemy does before a statement. A row that breaks a constraint fails the
whole call with SQLAlchemy's IntegrityError, as an INSERT's would (409 through shared/problems.py). There is no
ON CONFLICT: COPY has none, and no caller writes rows that may already exist (an import checks its ids first).
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from asyncpg.exceptions import IntegrityConstraintViolationError
from sqlalchemy import Column, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

CHUNK_ROWS = 2000  # rows made ready and written at a time
Row = dict[str, Any]
Processor = Callable[[Any], Any]


def table_of(target: Table | type) -> Table:
    """The Table of a mapped class, or the Table itself."""
    return target if isinstance(target, Table) else target.__table__  # type: ignore[attr-defined]


def _json_text(value: Any) -> Any:
    # The same JSON the dialect's json.dumps writes (white space and the escaping of å, ä, ö aside), at a
    # fraction of the cost for an import's thousands of audit snapshots.
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _processor(column: Column[Any], dialect: Dialect) -> Processor | None:
    if dialect.name == "postgresql" and column.type._type_affinity.__name__ == "JSON":  # type: ignore[union-attr]
        return _json_text
    return column.type.dialect_impl(dialect).bind_processor(dialect)


@dataclass(frozen=True)
class _Plan:
    """How rows with one set of keys go into one table on one dialect; made once (`_plan`)."""

    table: Table
    columns: tuple[str, ...]  # the rows' keys, then the columns filled by their Python-side defaults
    given: Callable[[Row], tuple[Any, ...]]  # a row's values in the order of its keys
    processors: tuple[tuple[int, Processor], ...]  # (position among the keys, processor) where one applies
    defaulted: tuple[tuple[Column[Any], Processor | None], ...]
    sql: str  # SQLite's INSERT; PostgreSQL copies to the table and columns instead

    def default_values(self) -> tuple[Any, ...]:
        values = []
        for column, process in self.defaulted:
            default = column.default
            value = default.arg if default.is_scalar else default.arg(None)  # type: ignore[union-attr]
            values.append(value if process is None else process(value))
        return tuple(values)


@lru_cache(maxsize=256)
def _plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan:
    unknown = [key for key in keys if key not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    defaulted = []
    for column in table.columns:
        default = column.default
        if column.name in keys or default is None:
            continue
        if not (default.is_scalar or default.is_callable):
            raise ValueError(f"{table.name}.{column.name}: a default made by the database (a sequence or an SQL "
                             "expression) cannot be filled in here; give the column a value")
        defaulted.append((column, _processor(column, dialect)))
    columns = keys + tuple(column.name for column, _ in defaulted)
    getter = operator.itemgetter(*keys)
    given = getter if len(keys) > 1 else lambda row: (getter(row),)
    processors = tuple((i, process) for i, key in enumerate(keys)
                       if (process := _processor(table.c[key], dialect)) is not None)
    quote = dialect.identifier_preparer
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(name) for name in columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    return _Plan(table, columns, given, processors, tuple(defaulted), sql)


@dataclass(frozen=True)
class BulkRows:
    """Rows of one table made ready for `insert_bulk`: the columns and one tuple of values per row."""

    table: Table
    columns: tuple[str, ...]
    records: list[tuple[Any, ...]]
    sql: str


def bulk_rows(dialect: Dialect, target: Table | type, rows: Sequence[Row]) -> BulkRows:
    """The rows as `insert_bulk` writes them on `dialect`: made in the caller's turn, so that a writer running
    beside it (the registry's imports) spends its own turns on the statements alone."""
    table = table_of(target)
    if not rows:
        return BulkRows(table, (), [], "")
    plan = _plan(dialect, table, tuple(rows[0]))
    return _ready(plan, rows, plan.default_values())


def _ready(plan: _Plan, rows: Sequence[Row], extra: tuple[Any, ...]) -> BulkRows:
    given = plan.given
    if not plan.processors:
        records = [given(row) + extra for row in rows] if extra else [given(row) for row in rows]
    else:
        records = []
        for row in rows:
            values = list(given(row))
            for i, process in plan.processors:
                values[i] = process(values[i])
            records.append((*values, *extra))
    return BulkRows(plan.table, plan.columns, records, plan.sql)


async def insert_bulk(session: AsyncSession, bulk: BulkRows) -> None:
    """Writes rows made ready by `bulk_rows` on the session's connection, in its transaction."""
    if not bulk.records:
        return
    if session.new or session.dirty or session.deleted:
        await session.flush()
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection
    if connection.dialect.name == "postgresql":
        if not driver.is_in_transaction():
            # SQLAlchemy begins the session's transaction on the driver with its first statement; a COPY as the
            # first would otherwise be committed on its own, outside what the request commits or rolls back.
            await connection.exec_driver_sql("SELECT 1")
        try:
            await driver.copy_records_to_table(bulk.table.name, records=bulk.records, columns=bulk.columns,
                                               schema_name=bulk.table.schema)
        except IntegrityConstraintViolationError as exc:
            raise IntegrityError(f"COPY {bulk.table.name}", None, exc) from exc
        return
    try:
        cursor = await driver.executemany(bulk.sql, bulk.records)
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(bulk.sql, None, exc) from exc
    await cursor.close()


async def insert_rows(session: AsyncSession, target: Table | type, rows: Sequence[Row],
                      chunk_rows: int = CHUNK_ROWS) -> None:
    """Inserts the rows (column values, every row the same keys) into the table of `target` (a Table or a mapped
    class) on the session's connection, in its transaction: COPY on PostgreSQL, one executemany on SQLite, a
    chunk of at most `chunk_rows` at a time. The columns' Python-side defaults are taken once for all the rows."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    plan = _plan(dialect, table_of(target), tuple(rows[0]))
    extra = plan.default_values()
    for start in range(0, len(rows), chunk_rows):
        await insert_bulk(session, _ready(plan, rows[start:start + chunk_rows], extra))
