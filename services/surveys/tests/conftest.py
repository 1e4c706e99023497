"""Fixtures of surveys' in-process tests: a database built by surveys' migrations and loaded with its shipped
code lists and questionnaires once, each test in a transaction rolled back at its end (tests/in_process.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.surveys import SERVICE_DIR
from services.surveys.codelists.service import load_code_lists
from services.surveys.templates.shipped import load_templates
from shared.cli import load_reference_data
from tests.in_process import rollback_engine, rolled_back_session


@pytest.fixture(scope="session")
def surveys_database(migrated_database: Callable[[str, Path], str]) -> str:
    """A database built by surveys' migrations, with the shipped code lists and questionnaires, once."""
    url = migrated_database("surveys", SERVICE_DIR)
    asyncio.run(load_reference_data(url, [load_code_lists, load_templates]))
    return url


@pytest.fixture(scope="session")
async def surveys_engine(surveys_database: str) -> AsyncIterator[AsyncEngine]:
    engine = rollback_engine(surveys_database)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(surveys_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async for session in rolled_back_session(surveys_engine):
        yield session
