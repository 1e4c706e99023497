"""Every service's migrations build its schema on SQLite and PostgreSQL, and are reversible."""

import asyncio
import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.actors import SERVICE_DIR as ACTORS_DIR
from services.funding import SERVICE_DIR as FUNDING_DIR
from services.reporting import SERVICE_DIR as REPORTING_DIR
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


@pytest.mark.parametrize("service_dir", [ACTORS_DIR, FUNDING_DIR, SURVEYS_DIR, REPORTING_DIR], ids=lambda d: d.name)
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


def schema_differences(url: str, metadata) -> list:
    """What alembic's autogenerate would change to make the database's schema the models' (nothing, if the
    migrations build what the code declares)."""
    async def compare() -> list:
        engine = create_engine(url)
        async with engine.connect() as conn:
            found = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
        await engine.dispose()
        return found

    return asyncio.run(compare())


@pytest.mark.parametrize("service", ["actors", "funding", "surveys", "reporting"])
def test_the_migrations_build_the_tables_and_indexes_the_models_declare(service, new_database_url):
    """A model changed without a migration (or the reverse) would run on one database and not the other, or
    keep an index nobody declared any longer: the migrated schema is the models' schema, on both databases."""
    app_module = importlib.import_module(f"services.{service}.main")  # every router, so every model
    base = importlib.import_module(f"services.{service}.database").Base
    assert app_module is not None
    service_dir = {"actors": ACTORS_DIR, "funding": FUNDING_DIR, "surveys": SURVEYS_DIR,
                   "reporting": REPORTING_DIR}[service]
    url = new_database_url(service)
    migrations.upgrade(service_dir, url)
    assert schema_differences(url, base.metadata) == []


def test_actor_registry_schema_holds_the_geography(new_database_url):
    url = new_database_url("actors")
    migrations.upgrade(ACTORS_DIR, url)
    assert {"counties", "municipalities", "municipality_populations"} <= table_names(url)
