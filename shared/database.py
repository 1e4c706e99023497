"""Database plumbing: naming convention, engine per process, one transaction per request.

The session dependency commits when the request succeeds and rolls back when it raises; service code only
flushes. SQLite (embedded, the default) and PostgreSQL (production) run the same migrations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session as OrmSession

from shared.driver_reads import READ_ONLY, release_session_driver

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_OPTION = "rss_writing_request"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class EngineOptions:
    """What a service tunes in its own database connections (each service has its own database).

    `postgresql_settings`: run-time parameters set on every PostgreSQL connection the service opens, such as
    {"plan_cache_mode": "force_generic_plan"} for a service whose hot statements are index lookups whose best
    plan does not depend on the values (the actor registry). Nothing is set by default.
    """

    postgresql_settings: Mapping[str, str] = field(default_factory=dict)


def create_engine(url: str, options: EngineOptions | None = None) -> AsyncEngine:
    options = options or EngineOptions()
    if is_sqlite(url):
        # Reset on return is done below, only when needed: the default rollback of every connection taken
        # straight from the pool (shared.driver_reads) cost a trip to aiosqlite's thread per request.
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_reset_on_return=None)

        @event.listens_for(engine.sync_engine, "reset")
        def _reset(dbapi_connection, _record, state):  # type: ignore[no-untyped-def]
            if state.asyncio_safe and not state.transaction_was_reset and \
                    dbapi_connection.driver_connection.in_transaction:
                dbapi_connection.rollback()

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # SQLite has one writer at a time. A writing request takes the write lock when its transaction
            # begins (not at its first write), so one that reads, checks a rule and then writes waits for the
            # previous writer instead of failing or acting on a stale read. PostgreSQL gets the same effect from
            # row locks (SELECT ... FOR UPDATE) where a rule spans rows. Reads are left to the driver, which
            # opens no transaction for them (an explicit BEGIN per read cost more: docs/benchmarks.md).
            if conn.get_execution_options().get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it costs a round trip on every request (docs/benchmarks.md). A
    # connection broken by a database restart fails one request and the pool is then refreshed.
    # LIFO: the most recently used connection serves the next request, so its prepared statements are warm.
    connect_args = {"server_settings": dict(options.postgresql_settings)} if options.postgresql_settings else {}
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800, pool_use_lifo=True,
                               connect_args=connect_args)


def create_sessionmaker(engine: AsyncEngine, session_class: type[OrmSession] = OrmSession,
                        ) -> async_sessionmaker[AsyncSession]:
    """`session_class` lets a service attach its own session events (the registry counts its changes)."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)


def create_read_sessionmaker(engine: AsyncEngine, session_class: type[OrmSession] = OrmSession,
                             ) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading requests. On PostgreSQL they run in autocommit: at READ COMMITTED every statement
    sees its own snapshot inside a transaction too, so BEGIN and COMMIT would only add two round trips."""
    if engine.dialect.name == "sqlite":
        return create_sessionmaker(engine, session_class)
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"),  # type: ignore[arg-type]
                               session_class)


@asynccontextmanager
async def committed(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """The one transaction rule: committed when the work ends, rolled back when it raises."""
    try:
        yield session
    except BaseException:
        await session.rollback()
        raise
    else:
        await session.commit()


@asynccontextmanager
async def own_transaction(sessionmaker: async_sessionmaker[AsyncSession], *,
                          writing: bool = True) -> AsyncIterator[AsyncSession]:
    """A transaction of its own, for work outside a request's one transaction (a background worker, or a write
    made after seconds of reading other services, which must not hold a write transaction meanwhile: on SQLite
    that would keep every other writer waiting). Services inside it still only flush."""
    async with sessionmaker() as session:
        if writing:
            await session.connection(execution_options={WRITE_OPTION: True})
        async with committed(session):
            yield session


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    reading = request.method in READ_METHODS
    sessionmaker: async_sessionmaker[AsyncSession] = (
        request.app.state.read_sessionmaker if reading else request.app.state.sessionmaker)
    async with sessionmaker() as session:
        if reading:
            session.info[READ_ONLY] = True  # reads on the driver take a pooled connection (session_driver)
        else:
            await session.connection(execution_options={WRITE_OPTION: True})
        try:
            async with committed(session):
                yield session
        finally:
            await release_session_driver(session)


# "function" scope: the transaction commits before the response leaves, so a caller that reads right after a
# write always sees it (the default scope would commit after the response had been sent).
Session = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT version_num FROM alembic_version"))
        return result.scalar_one_or_none()
