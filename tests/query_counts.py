"""The harness of the query-count tests (services/<name>/tests/test_query_counts.py): a service's engine and
sessions on a migrated database, and the number of SQL statements a piece of work sends, counted as the driver
executes them. No timing: speed is measured by `make bench`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event

from shared.database import create_engine, create_sessionmaker


class CountedDatabase:
    """The service's engine and sessions, with a count of the statements a piece of work sends."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessions = create_sessionmaker(self.engine)

    async def count(self, work: Callable[[Any], Awaitable[Any]]) -> int:
        """Statements sent by `work(session)` in one transaction, its commit included."""
        sent = 0

        def one_more(*_args: Any) -> None:
            nonlocal sent
            sent += 1

        event.listen(self.engine.sync_engine, "before_cursor_execute", one_more)
        try:
            async with self.sessions() as session:
                await work(session)
                await session.commit()
        finally:
            event.remove(self.engine.sync_engine, "before_cursor_execute", one_more)
        return sent
