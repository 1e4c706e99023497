"""The read path every service's repositories use: a SELECT built once, compiled once, run on the driver.

A Core SELECT written once with SQLAlchemy (its values as bound parameters) is compiled once per dialect (so the
same statement serves SQLite and PostgreSQL) and then run directly on the driver's connection (asyncpg,
aiosqlite): no ORM execution layer, no per-call statement building, cache-key generation or compilation, no
result machinery. Bound values and result columns still go through the dialect's type processors, so dates and
booleans come back as they would through a session. SQLAlchemy's per-statement layers cost 0.15-0.6 ms of CPU
against 0.04 ms on the driver (docs/benchmarks.md, "Where the time goes"): for a read of nine statements that
is most of the request.

Two ways to a driver connection:
  - `session_driver(session)`: the request session's own connection, so a read inside a write sees what the
    transaction wrote (pending ORM changes are flushed first). Repositories call `self.rows(READ, ...)`
    (shared/repository.py), which goes this way.
  - `driver_connection(engine)`: a connection straight from the engine's pool, for a read that needs no session
    (the registry's representatives read).
"""

from __future__ import annotations

import operator
from collections import namedtuple
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Select, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None


def record_type(names: list[str]) -> type:
    """An asyncpg row class whose columns read as attributes (`row.name`), like the named tuples SQLite's rows
    become: a property per column, by position (a __getattr__ would raise and catch an AttributeError inside
    every lookup first, which cost more than making a named tuple per row)."""
    return type("Row", (asyncpg.Record,), {"__slots__": (), **{
        name: property(operator.itemgetter(position)) for position, name in enumerate(names)}})


@dataclass
class _CompiledRead:
    sql: str
    compiled: Any  # SQLAlchemy's Compiled, for the bound values fixed at compile time (LIMIT 1 and the like)
    bind_names: tuple[str, ...]
    bind_processors: tuple[Processor, ...]
    result_processors: tuple[Processor, ...]
    row_type: type  # a named tuple, for SQLite's rows and rows whose values are processed
    record_type: type  # PostgreSQL's rows as the driver makes them, readable by attribute


class DriverConnection:
    """One pooled connection's driver, for the length of a request."""

    def __init__(self, dialect: Dialect, driver: Any) -> None:
        self.dialect = dialect
        self.driver = driver
        self.postgresql = dialect.name == "postgresql"

    async def fetch(self, sql: str, args: list[Any], record_class: type | None = None) -> Sequence[Sequence[Any]]:
        if self.postgresql:
            # asyncpg prepares and caches the statement; its rows are made in C, as `record_class` if given.
            return await self.driver.fetch(sql, *args, record_class=record_class)
        return await self.driver.execute_fetchall(sql, args)  # aiosqlite


class DriverRead:
    """One SELECT with named bound parameters; `await read.rows(connection, name=value, ...)` returns named
    tuples whose fields are the statement's column keys (labels where given)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _CompiledRead] = {}

    def _compile(self, dialect: Dialect) -> _CompiledRead:
        compiled = self.statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        columns = list(self.statement.selected_columns)
        return _CompiledRead(
            sql=compiled.string,
            compiled=compiled,
            bind_names=names,
            bind_processors=tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                                  for name in names),
            result_processors=tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns),
            row_type=namedtuple("Row", [c.key for c in columns]),  # type: ignore[misc]
            record_type=record_type([c.key for c in columns]),
        )

    def compiled_for(self, dialect: Dialect) -> _CompiledRead:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    async def rows(self, connection: DriverConnection, **params: Any) -> list[Any]:
        read = self.compiled_for(connection.dialect)
        values = read.compiled.construct_params(params)
        args = [value if process is None else process(value)
                for value, process in zip((values[name] for name in read.bind_names), read.bind_processors)]
        processors = read.result_processors
        if connection.postgresql and not any(processors):
            return await connection.fetch(read.sql, args, read.record_type)  # no second row object per row
        raw_rows = await connection.fetch(read.sql, args)
        make = read.row_type._make  # type: ignore[attr-defined]
        if not any(processors):
            return [make(row) for row in raw_rows]
        return [make([value if process is None or value is None else process(value)
                      for value, process in zip(row, processors)]) for row in raw_rows]


_SESSION_DRIVER = "driver_connection"
_POOLED = "pooled_driver_connection"
READ_ONLY = "read_only"  # set in a session's info by shared.database.get_session for reading requests


async def session_driver(session: AsyncSession) -> DriverConnection:
    """The driver connection a request's reads run on, kept in the session's info for the rest of its life.

    A reading request's session that has no connection of its own yet takes one straight from the engine's pool
    (released by release_session_driver when the request ends): checking a connection out through the session
    and committing it back cost 0.35-0.4 ms of CPU a request, against about 0.1 ms this way (docs/benchmarks.md).
    Otherwise it is the driver of the session's own connection, so a read inside a write sees what the
    transaction wrote; what the session holds unflushed is flushed first."""
    found: DriverConnection | None = session.info.get(_SESSION_DRIVER)
    if found is not None and (_POOLED in session.info or session.in_transaction()):
        return found
    if session.info.get(READ_ONLY) and not session.in_transaction():
        engine = session.bind
        assert isinstance(engine, AsyncEngine)
        pooled = await engine.raw_connection()
        session.info[_POOLED] = pooled
        found = session.info[_SESSION_DRIVER] = DriverConnection(engine.dialect, pooled.driver_connection)
        return found
    if session.new or session.dirty or session.deleted:
        await session.flush()
    connection = await session.connection()
    pooled = await connection.get_raw_connection()
    found = session.info[_SESSION_DRIVER] = DriverConnection(connection.dialect, pooled.driver_connection)
    return found


@event.listens_for(OrmSession, "after_transaction_create")
def _give_back_before_the_session_connects(session: OrmSession, transaction: Any) -> None:
    """A reading request that turns to the ORM session after its driver reads gives the pooled connection back
    before the session takes its own (the pool then hands the same one over): a request never holds two, so
    requests cannot all hold one while each waits for a second. Later driver reads use the session's."""
    pooled = session.info.pop(_POOLED, None)
    if pooled is not None and transaction.parent is None:
        session.info.pop(_SESSION_DRIVER, None)
        pooled.close()  # inside the session's greenlet: the pool's reset may wait for the driver
    elif pooled is not None:
        session.info[_POOLED] = pooled


async def release_session_driver(session: AsyncSession) -> None:
    """Back to the pool with the connection a reading request's session took for its reads, if it took one."""
    pooled = session.info.pop(_POOLED, None)
    session.info.pop(_SESSION_DRIVER, None)
    if pooled is not None:
        await greenlet_spawn(pooled.close)


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[DriverConnection]:
    pooled = await engine.raw_connection()
    try:
        yield DriverConnection(engine.dialect, pooled.driver_connection)
    finally:
        # Back to the pool; the pool's reset-on-return may talk to the driver, so it runs where SQLAlchemy's
        # async adaptation can wait for it (as AsyncEngine.raw_connection itself does on the way out).
        await greenlet_spawn(pooled.close)
