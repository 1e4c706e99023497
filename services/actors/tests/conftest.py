"""Fixtures of the registry's in-process tests: the shipped reference structures as a file, and the registry
loaded with them in a database, each test in a transaction that is rolled back at its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.actors import SERVICE_DIR
from services.actors.changes.counter import RegistrySession
from services.actors.reference_data.demo import load_demo_people
from services.actors.reference_data.geography import load_geography
from services.actors.reference_data.organisations import load_organisations
from services.actors.tests.structures_support import STRUCTURES
from shared.cli import load_reference_data
from tests.in_process import rollback_engine, rolled_back_session


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with open(STRUCTURES, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def orgs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in data["organisations"]}


# --- the registry in-process: the shipped register, each test in a transaction rolled back at its end ---------


@pytest.fixture(scope="session")
def registry_database(migrated_database: Callable[[str, Path], str]) -> str:
    """A database built by the registry's migrations and loaded with its shipped reference data, once."""
    url = migrated_database("actors", SERVICE_DIR)
    asyncio.run(load_reference_data(url, [load_geography, load_organisations, load_demo_people], RegistrySession))
    return url


@pytest.fixture(scope="session")
async def registry_engine(registry_database: str) -> AsyncIterator[AsyncEngine]:
    engine = rollback_engine(registry_database)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(registry_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async for session in rolled_back_session(registry_engine, RegistrySession):
        yield session
