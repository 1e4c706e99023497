"""A small typed base for a package's repository: the record by key, 404 when it is missing, add and flush.

    class AgreementRepository(Repository[Agreement]):
        model = Agreement
        noun = "agreement"

        async def of_county(self, county_code: str) -> Sequence[Agreement]: ...   # the package's own SQL

A repository holds all of its package's SQL and never commits: the request's session commits once, at its end
(shared.database.get_session). Reads that answer requests are statements built once at import, with their values
as bound parameters, run by `self.rows(READ, name=value)` on the session's driver connection
(shared/driver_reads.py); ORM objects are for writes.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.driver_reads import DriverRead, session_driver
from shared.problems import NotFound

M = TypeVar("M")
Q = TypeVar("Q", bound=Select[Any])


def where_equal(query: Q, *filters: tuple[Any, Any]) -> Q:
    """`query` narrowed to `column == value` for each (column, value) whose value was given: a list's optional
    filters (None or an empty string narrows nothing)."""
    for column, value in filters:
        if value is not None and value != "":
            query = query.where(column == value)
    return query


class Repository(Generic[M]):
    model: ClassVar[type[Any]]
    noun: ClassVar[str] = "record"  # in "No <noun> has id '<key>'."

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, read: DriverRead, **params: Any) -> list[Any]:
        """The rows of a statement built once (named tuples), run on the session's driver connection."""
        return await read.rows(await session_driver(self.session), **params)

    async def get(self, key: Any) -> M | None:
        return await self.session.get(self.model, key)

    async def get_or_404(self, key: Any) -> M:
        record = await self.get(key)
        if record is None:
            raise NotFound(f"No {self.noun} has id '{key}'.")
        return record

    def add(self, record: M) -> M:
        self.session.add(record)
        return record

    async def flush(self) -> None:
        await self.session.flush()
