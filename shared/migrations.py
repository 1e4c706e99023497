"""Alembic, driven from code: each service keeps its own `alembic.ini` and `migrations/` folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.locks import SETUP_SCOPE, scope_key


def alembic_config(service_dir: Path, database_url: str) -> Config:
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def head_revision(service_dir: Path) -> str | None:
    script = ScriptDirectory.from_config(alembic_config(service_dir, "sqlite://"))
    return script.get_current_head()


def upgrade(service_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_dir, database_url), revision)


def downgrade(service_dir: Path, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service_dir, database_url), revision)


def run_migrations_from_env(target_metadata: MetaData, fallback_url: str) -> None:
    """The body of every service's `migrations/env.py`: online migrations over an async engine."""
    url = context.config.attributes.get("database_url") or fallback_url

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
        if connection.dialect.name == "postgresql":
            # One setup of a database at a time (replicas of a service start together, each running `setup`): a
            # second waits here, then finds the schema at head. Held until the migrations' transaction commits.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({scope_key(SETUP_SCOPE)})")
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run())
