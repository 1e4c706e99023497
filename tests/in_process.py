"""Helpers of the in-process tests (services/<name>/tests/): a session inside a transaction rolled back at the end
of each test, so a rule is tested in milliseconds against a database built by the service's migrations. The
fixtures that use them are in each service's tests/conftest.py; the migrated database is the root conftest's
`migrated_database`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session as OrmSession

from shared.cli import load_reference_data


def rollback_engine(url: str) -> AsyncEngine:
    """An engine for rolled-back tests. On SQLite the driver's own transaction handling is switched off and
    BEGIN is emitted by SQLAlchemy, so that SAVEPOINTs inside the outer transaction work (the SQLAlchemy
    recipe for pysqlite and aiosqlite)."""
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _no_driver_transactions(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")

    return engine


async def rolled_back_session(engine: AsyncEngine, session_class: type[OrmSession] = OrmSession,
                              ) -> AsyncIterator[AsyncSession]:
    """A session bound to a connection inside an outer transaction that is rolled back at the end: the code
    under test flushes and even commits (each commit releases a SAVEPOINT), and nothing of it outlives the test.
    An async generator, for a fixture to iterate (see services/actors/tests/conftest.py)."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                               sync_session_class=session_class)
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


def service_session_fixtures(name: str, service_dir: Path, loaders: Sequence[Callable[..., Any]] = (),
                             session_class: type[OrmSession] = OrmSession) -> tuple[Any, Any, Any]:
    """The three fixtures of a service's in-process tests, for its tests/conftest.py:

        service_database, service_engine, session = service_session_fixtures("funding", SERVICE_DIR)

    `service_database`: built by the service's migrations and loaded by `loaders` (its shipped reference data)
    once per test session; `service_engine` on it; `session`: each test's, in a transaction rolled back at its
    end."""

    @pytest.fixture(scope="session", name="service_database")
    def database(migrated_database: Callable[[str, Path], str]) -> str:
        url = migrated_database(name, service_dir)
        if loaders:
            asyncio.run(load_reference_data(url, list(loaders), session_class))
        return url

    @pytest.fixture(scope="session", name="service_engine")
    async def engine(service_database: str) -> AsyncIterator[AsyncEngine]:
        built = rollback_engine(service_database)
        yield built
        await built.dispose()

    @pytest.fixture(name="session")
    async def session(service_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
        async for rolled_back in rolled_back_session(service_engine, session_class):
            yield rolled_back

    return database, engine, session
