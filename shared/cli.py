"""A service's management commands: `setup`, `migrate`, `downgrade`, `load-reference-data`, `load-demo-data`;
several at once on one database run one after another."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session as OrmSession

from shared import migrations
from shared.database import create_engine, create_sessionmaker, is_sqlite
from shared.locks import SETUP_SCOPE, hold
from shared.settings import BaseServiceSettings

ReferenceLoader = Callable[[AsyncSession], Awaitable[dict[str, int]]]


async def load_reference_data(database_url: str, loaders: list[ReferenceLoader],
                              session_class: type[OrmSession] = OrmSession) -> dict[str, int]:
    engine = create_engine(database_url)
    counts: dict[str, int] = {}
    try:
        async with create_sessionmaker(engine, session_class)() as session, session.begin():
            # A second setup of the same database waits, then finds what the first one loaded (no duplicates).
            await hold(session, SETUP_SCOPE)
            for loader in loaders:
                counts.update(await loader(session))
    finally:
        await engine.dispose()
    return counts


def run_cli(*, name: str, service_dir: Path, settings: BaseServiceSettings,
            loaders: list[ReferenceLoader] | None = None, demo_loaders: list[ReferenceLoader] | None = None,
            session_class: type[OrmSession] = OrmSession) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{name}")
    parser.add_argument("command", choices=["migrate", "downgrade", "load-reference-data", "setup",
                                            "load-demo-data"])
    parser.add_argument("--demo", action="store_true", help="with setup: also load the fictional demo data")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args()
    url = settings.database_url
    with one_command_at_a_time(url):
        _run_command(args, name=name, service_dir=service_dir, url=url, loaders=loaders, demo_loaders=demo_loaders,
                     session_class=session_class)


@contextmanager
def one_command_at_a_time(url: str) -> Iterator[None]:
    """Commands on one database run one at a time: replicas of a service start together, each running `setup`.
    PostgreSQL: the migrations and each load hold an advisory lock for their transaction (shared.migrations,
    `load_reference_data`). A SQLite file: an exclusive lock on a file beside it for the whole command, as
    SQLite's schema changes are not serialised by the migrations' transaction."""
    database = make_url(url).database if is_sqlite(url) else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.commands-lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
        yield


def _run_command(args: argparse.Namespace, *, name: str, service_dir: Path, url: str,
                 loaders: list[ReferenceLoader] | None, demo_loaders: list[ReferenceLoader] | None,
                 session_class: type[OrmSession]) -> None:
    if args.command in ("migrate", "setup"):
        migrations.upgrade(service_dir, url, args.revision or "head")
        print(f"{name}: migrations at {args.revision or 'head'}")
    if args.command == "downgrade":
        migrations.downgrade(service_dir, url, args.revision or "base")
        print(f"{name}: downgraded to {args.revision or 'base'}")
    if args.command in ("load-reference-data", "setup") and loaders:
        counts = asyncio.run(load_reference_data(url, loaders, session_class))
        print(f"{name}: reference data loaded " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    if (args.command == "load-demo-data" or (args.command == "setup" and args.demo)) and demo_loaders:
        counts = asyncio.run(load_reference_data(url, demo_loaders, session_class))
        print(f"{name}: demo data loaded " + ", ".join(f"{k}={v}" for k, v in counts.items()))
