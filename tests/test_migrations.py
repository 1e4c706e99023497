"""Every service's migrations build its schema on SQLite and PostgreSQL, and are reversible."""

import asyncio

import pytest
from sqlalchemy import inspect

from services.actors import SERVICE_DIR as ACTORS_DIR
from services.funding import SERVICE_DIR as FUNDING_DIR
from services.surveys import SERVICE_DIR as SURVEYS_DIR
from shared import migrations
from shared.database import create_engine


def table_names(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(read())


@pytest.mark.parametrize("service_dir", [ACTORS_DIR, FUNDING_DIR, SURVEYS_DIR], ids=lambda d: d.name)
def test_migrations_go_up_down_and_up_again(service_dir, new_database_url):
    url = new_database_url(service_dir.name)

    migrations.upgrade(service_dir, url)
    at_head = table_names(url)
    migrations.downgrade(service_dir, url, "base")
    at_base = table_names(url)
    migrations.upgrade(service_dir, url)

    assert "alembic_version" in at_head
    assert at_base <= {"alembic_version"}
    assert table_names(url) == at_head


def test_actor_registry_schema_holds_the_geography(new_database_url):
    url = new_database_url("actors")
    migrations.upgrade(ACTORS_DIR, url)
    assert {"counties", "municipalities", "municipality_populations"} <= table_names(url)
