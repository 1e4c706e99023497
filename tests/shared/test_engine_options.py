"""Each service tunes its own database connections; nothing is tuned for all of them."""

import asyncio

import pytest
from sqlalchemy import text

from services.actors.database import ENGINE_OPTIONS as ACTORS
from shared.database import create_engine


async def _plan_cache_mode(url: str, options) -> str:  # type: ignore[no-untyped-def]
    engine = create_engine(url, options)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text("SHOW plan_cache_mode"))).scalar_one()
    finally:
        await engine.dispose()


def test_generic_plans_only_where_a_service_asks_for_them(database_backend, new_database_url):
    if database_backend != "postgresql":
        pytest.skip("plan_cache_mode is a PostgreSQL setting")
    url = new_database_url("options")
    assert asyncio.run(_plan_cache_mode(url, None)) == "auto"
    assert asyncio.run(_plan_cache_mode(url, ACTORS)) == "force_generic_plan"


def test_sqlite_ignores_postgresql_settings(tmp_path):
    async def check() -> int:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", ACTORS)
        try:
            async with engine.connect() as conn:
                return (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
        finally:
            await engine.dispose()

    assert asyncio.run(check()) == 1
