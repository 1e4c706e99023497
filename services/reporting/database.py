from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase

from shared.database import WRITE_OPTION, service_metadata
from shared.idempotency import idempotency_table


class Base(DeclarativeBase):
    metadata = service_metadata()


# Answers of POSTs that record an activity, kept for their Idempotency-Key (shared.idempotency).
idempotency_keys = idempotency_table(Base.metadata)


@asynccontextmanager
async def own_transaction(sessionmaker: async_sessionmaker[AsyncSession], *,
                          writing: bool = True) -> AsyncIterator[AsyncSession]:
    """A transaction of its own, committed at the end (rolled back on any error), for work outside a request's
    one transaction: a report is composed over HTTP for seconds before it is stored, and holding a write
    transaction meanwhile would keep every other writer waiting on SQLite; the delivery worker has no request.
    Services inside it still only flush."""
    async with sessionmaker() as session:
        if writing:
            await session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
