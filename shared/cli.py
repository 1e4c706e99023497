"""A service's management commands: `migrate`, `downgrade`, `load-reference-data`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session as OrmSession

from shared import migrations
from shared.database import create_engine, create_sessionmaker
from shared.settings import BaseServiceSettings

ReferenceLoader = Callable[[AsyncSession], Awaitable[dict[str, int]]]


async def load_reference_data(database_url: str, loaders: list[ReferenceLoader],
                              session_class: type[OrmSession] = OrmSession) -> dict[str, int]:
    engine = create_engine(database_url)
    counts: dict[str, int] = {}
    try:
        async with create_sessionmaker(engine, session_class)() as session, session.begin():
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
