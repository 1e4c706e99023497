"""Fixtures of funding's in-process tests: a database built by funding's migrations once, each test in a
transaction rolled back at its end (tests/in_process.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.funding import SERVICE_DIR
from tests.in_process import rollback_engine, rolled_back_session


@pytest.fixture(scope="session")
def funding_database(migrated_database: Callable[[str, Path], str]) -> str:
    return migrated_database("funding", SERVICE_DIR)


@pytest.fixture(scope="session")
async def funding_engine(funding_database: str) -> AsyncIterator[AsyncEngine]:
    engine = rollback_engine(funding_database)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(funding_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async for session in rolled_back_session(funding_engine):
        yield session
