"""The shared read path (shared/driver_reads.py, Repository.rows) on the backend under test: a statement built
once answers with its values bound at run time, rows read by attribute; a reading request's reads take a pooled
connection and give it back; a read inside a write sees what the transaction has written, flushed or not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date

import pytest
from sqlalchemy import Date, Integer, String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.database import READ_METHODS, create_engine, create_read_sessionmaker, create_sessionmaker, service_metadata
from shared.driver_reads import READ_ONLY, DriverRead, release_session_driver, session_driver
from shared.repository import Repository
from tests.shared.tables import database_with

pytestmark = pytest.mark.anyio


class Base(DeclarativeBase):
    metadata = service_metadata()


class Grant(Base):
    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(2))
    amount_ore: Mapped[int] = mapped_column(Integer)
    decided_on: Mapped[date] = mapped_column(Date)


IN_COUNTY = DriverRead(select(Grant.id, Grant.amount_ore, Grant.decided_on)
                       .where(Grant.county_code == bindparam("county_code")).order_by(Grant.id))


class GrantRepository(Repository[Grant]):
    model = Grant
    noun = "grant"

    async def in_county(self, county_code: str) -> list:
        return await self.rows(IN_COUNTY, county_code=county_code)


@pytest.fixture(scope="module")
def grants_url(new_database_url: Callable[[str], str]) -> str:
    return database_with(new_database_url, "driver_reads", Base.metadata, [
        Grant(id="g-1", county_code="20", amount_ore=122_553_500, decided_on=date(2023, 1, 1)),
        Grant(id="g-2", county_code="20", amount_ore=100, decided_on=date(2024, 2, 29)),
        Grant(id="g-3", county_code="01", amount_ore=7, decided_on=date(2019, 11, 1))])


@pytest.fixture
async def engine(grants_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(grants_url)
    yield engine
    await engine.dispose()


async def test_a_statement_built_once_answers_each_value_with_rows_read_by_attribute(engine: AsyncEngine) -> None:
    async with create_read_sessionmaker(engine)() as session:
        session.info[READ_ONLY] = True
        grants = GrantRepository(session)
        dalarna = await grants.in_county("20")
        assert [(g.id, g.amount_ore, g.decided_on) for g in dalarna] == [
            ("g-1", 122_553_500, date(2023, 1, 1)), ("g-2", 100, date(2024, 2, 29))]  # dates as dates on both
        assert [tuple(g) for g in await grants.in_county("01")] == [("g-3", 7, date(2019, 11, 1))]
        assert await grants.in_county("99") == []
        await release_session_driver(session)


async def test_a_reading_request_gives_its_pooled_connection_back(engine: AsyncEngine) -> None:
    assert "GET" in READ_METHODS
    for _ in range(30):  # more requests than the pool holds connections
        async with create_read_sessionmaker(engine)() as session:
            session.info[READ_ONLY] = True
            assert len(await GrantRepository(session).in_county("20")) == 2
            assert session.in_transaction() is False  # the session itself never took a connection
            await release_session_driver(session)
    assert engine.sync_engine.pool.checkedout() == 0


async def test_a_read_inside_a_write_sees_the_transaction_flushed_or_not(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        grants = GrantRepository(session)
        grants.add(Grant(id="g-4", county_code="20", amount_ore=1, decided_on=date(2026, 12, 1)))  # not flushed
        assert [g.id for g in await grants.in_county("20")] == ["g-1", "g-2", "g-4"]
        assert (await session_driver(session)) is (await session_driver(session))  # one connection per session
        await session.rollback()
    async with create_read_sessionmaker(engine)() as session:
        session.info[READ_ONLY] = True
        assert [g.id for g in await GrantRepository(session).in_county("20")] == ["g-1", "g-2"]  # rolled back
        await release_session_driver(session)


async def test_a_reading_request_never_holds_two_connections(engine: AsyncEngine) -> None:
    """Driver reads, then the ORM session, then driver reads again: one connection at a time, so a burst of such
    requests cannot take the whole pool and wait for a second connection each."""
    pool = engine.sync_engine.pool
    async with create_read_sessionmaker(engine)() as session:
        session.info[READ_ONLY] = True
        grants = GrantRepository(session)
        assert len(await grants.in_county("20")) == 2 and pool.checkedout() == 1
        assert (await session.get(Grant, "g-3")).amount_ore == 7  # the ORM session takes the connection over
        assert pool.checkedout() == 1
        assert [g.id for g in await grants.in_county("01")] == ["g-3"] and pool.checkedout() == 1
        await release_session_driver(session)
    assert pool.checkedout() == 0
