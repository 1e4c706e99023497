"""Test databases for every test in the repository: SQLite files or fresh PostgreSQL databases.

`RSS_TEST_DATABASE` picks the backend (sqlite, the default, or postgresql); `make test` runs the suite on both.
Every database a test gets is new and built by the service's Alembic migrations.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

BACKEND = os.environ.get("RSS_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("RSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _async_url(database: str) -> str:
    base = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def database_backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def new_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """Makes an empty database for a service and returns its SQLAlchemy URL; PostgreSQL ones are dropped after."""
    created: list[str] = []
    folder: Path = tmp_path_factory.mktemp("databases")

    def make(service: str) -> str:
        if BACKEND == "sqlite":
            return f"sqlite+aiosqlite:///{folder / (service + '-' + uuid.uuid4().hex[:8] + '.db')}"
        name = f"rss_test_{service}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _run(_admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        created.append(name)
        return _async_url(name)

    yield make
    for name in created:
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- in-process tests: one migrated database per service and backend, each test in a rolled-back transaction ---


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def migrated_database(new_database_url: Callable[[str], str]) -> Callable[[str, Path], str]:
    """`migrated_database("actors", SERVICE_DIR)`: the URL of a database built by the service's migrations, made
    once per test session and service."""
    from shared.migrations import upgrade

    made: dict[str, str] = {}

    def make(service: str, service_dir: Path) -> str:
        if service not in made:
            made[service] = new_database_url(f"{service}_inprocess")
            upgrade(service_dir, made[service])
        return made[service]

    return make
