"""Helpers of the in-process tests (services/<name>/tests/): a session inside a transaction rolled back at the end
of each test, so a rule is tested in milliseconds against a database built by the service's migrations. The
fixtures that use them are in each service's tests/conftest.py; the migrated database is the root conftest's
`migrated_database`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session as OrmSession


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
