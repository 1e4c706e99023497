"""A test database holding a few tables of a test's own (the shared pieces' tests declare them): built on the
backend under test, with the records the tests read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from sqlalchemy import MetaData

from shared.database import create_engine, create_sessionmaker


async def _build(url: str, metadata: MetaData, records: Sequence[object]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        async with create_sessionmaker(engine)() as session:
            session.add_all(records)
            await session.commit()
    finally:
        await engine.dispose()


def database_with(new_database_url: Callable[[str], str], name: str, metadata: MetaData,
                  records: Sequence[object]) -> str:
    """The URL of a new database (`new_database_url`, the root conftest's) with the tables of `metadata` and
    `records` stored in them."""
    url = new_database_url(name)
    asyncio.run(_build(url, metadata, records))
    return url
