"""The one bulk insert (shared/bulk_insert.py) on the backend under test: rows are stored exactly as an INSERT
through SQLAlchemy stores them (Swedish text, NULLs, dates, times, large amounts in öre, JSON, decimals), an
empty list stores nothing, a list longer than a chunk is stored whole and in order, and the rows belong to the
session's transaction: rolled back with it, committed with it, refused whole on a broken constraint."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bulk_insert import CHUNK_ROWS, bulk_rows, insert_bulk, insert_rows
from shared.database import create_engine, create_sessionmaker, service_metadata
from shared.money import MAX_ORE
from tests.shared.tables import database_with

pytestmark = pytest.mark.anyio
STAMP = datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Recipient(Base):
    __tablename__ = "recipients"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class _Grant:
    """The columns of a grant, twice: one table written by the bulk insert, one by SQLAlchemy's INSERT."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("recipients.id"))
    name: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    county_code: Mapped[str | None] = mapped_column(String(2))
    decided_on: Mapped[date | None] = mapped_column(Date)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    share: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: STAMP)


class Grant(_Grant, Base):
    __tablename__ = "grants"


class GrantByInsert(_Grant, Base):
    __tablename__ = "grants_by_insert"


def _utc(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back without its offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


COLUMNS = ("recipient_id", "name", "note", "county_code", "decided_on", "amount_ore", "share", "basis", "version",
           "recorded_at")

ROWS: list[dict[str, Any]] = [
    {"recipient_id": "r-2361", "name": "Region Jämtland Härjedalen", "note": "Samordnat stöd; \"FoU\" i länet",
     "county_code": "23", "decided_on": date(2024, 2, 29), "amount_ore": MAX_ORE, "share": Decimal("0.333333"),
     "basis": {"källa": "SCB", "år": 2024, "kommuner": ["Åre", "Östersund"]}},
    {"recipient_id": "r-2521", "name": "Övertorneå kommun", "note": None, "county_code": None, "decided_on": None,
     "amount_ore": 0, "share": None, "basis": None},
    {"recipient_id": "r-2361", "name": "Åsele\ttab och radbrytning\nsist", "note": "", "county_code": "24",
     "decided_on": date(1999, 12, 31), "amount_ore": 9_223_372_036_854_775_807, "share": Decimal("-12.5"),
     "basis": {"nested": {"ö": None}, "list": []}},
]


@pytest.fixture(scope="module")
def grants_url(new_database_url: Callable[[str], str]) -> str:
    return database_with(new_database_url, "bulk_insert", Base.metadata, [
        Recipient(id="r-2361", name="Region Jämtland Härjedalen"), Recipient(id="r-2521", name="Övertorneå kommun")])


@pytest.fixture
async def engine(grants_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(grants_url)
    yield engine
    async with create_sessionmaker(engine)() as session:  # each test starts from no grants
        await session.execute(delete(Grant))
        await session.execute(delete(GrantByInsert))
        await session.execute(delete(Recipient).where(Recipient.id.not_in(["r-2361", "r-2521"])))
        await session.commit()
    await engine.dispose()


async def _stored(session: AsyncSession, model: type[_Grant]) -> list[tuple[Any, ...]]:
    table = model.__table__  # type: ignore[attr-defined]
    return [tuple(row) for row in await session.execute(
        select(*(table.c[name] for name in COLUMNS)).order_by(table.c.id))]


async def test_rows_are_stored_as_an_insert_through_sqlalchemy_stores_them(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        await insert_rows(session, Grant, ROWS)
        await session.execute(insert(GrantByInsert), ROWS)
        await session.commit()
    async with create_sessionmaker(engine)() as session:
        stored = await _stored(session, Grant)
        assert stored == await _stored(session, GrantByInsert)
    assert [row[:6] for row in stored] == [tuple(r[name] for name in COLUMNS[:6]) for r in ROWS]
    assert stored[0][6] == Decimal("0.333333") and stored[1][6] is None and stored[2][6] == Decimal("-12.5")
    assert stored[0][7] == {"källa": "SCB", "år": 2024, "kommuner": ["Åre", "Östersund"]}
    assert stored[1][7] is None and stored[2][7] == {"nested": {"ö": None}, "list": []}
    assert {row[8] for row in stored} == {1}  # the Python-side defaults, as an INSERT fills them
    assert {_utc(row[9]) for row in stored} == {STAMP}


async def test_an_empty_list_stores_nothing(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        await insert_rows(session, Grant, [])
        await insert_bulk(session, bulk_rows(session.get_bind().dialect, Grant, []))
        await session.commit()
        assert await _stored(session, Grant) == []


@pytest.mark.parametrize("count, chunk", [(7, 3), (6, 3), (CHUNK_ROWS + 1, CHUNK_ROWS)])
async def test_a_list_longer_than_a_chunk_is_stored_whole_and_in_order(engine: AsyncEngine, count: int,
                                                                       chunk: int) -> None:
    rows = [{"recipient_id": "r-2521", "name": f"Övertorneå kommun, andel {n}", "amount_ore": 10**12 + n,
             "decided_on": date(2026, 1, 1) + timedelta(days=n % 365)} for n in range(count)]
    async with create_sessionmaker(engine)() as session:
        await insert_rows(session, Grant, rows, chunk_rows=chunk)
        await session.commit()
    async with create_sessionmaker(engine)() as session:
        stored = (await session.execute(select(Grant.name, Grant.amount_ore, Grant.decided_on, Grant.recorded_at)
                                        .order_by(Grant.id))).all()
    assert [tuple(row[:3]) for row in stored] == [(r["name"], r["amount_ore"], r["decided_on"]) for r in rows]
    assert {_utc(row[3]) for row in stored} == {STAMP}


async def test_the_rows_belong_to_the_sessions_transaction(engine: AsyncEngine) -> None:
    """The bulk insert as the first statement of a session is rolled back with it, and committed with it."""
    async with create_sessionmaker(engine)() as session:
        await insert_rows(session, Grant, ROWS[:1])
        assert len(await _stored(session, Grant)) == 1  # the transaction sees its own rows
        await session.rollback()
    async with create_sessionmaker(engine)() as session:
        assert await _stored(session, Grant) == []
        await insert_rows(session, Grant, ROWS[:2])
        await session.commit()
    async with create_sessionmaker(engine)() as session:
        assert [row[1] for row in await _stored(session, Grant)] == ["Region Jämtland Härjedalen",
                                                                       "Övertorneå kommun"]


async def test_what_the_session_holds_unflushed_is_written_first(engine: AsyncEngine) -> None:
    """A recipient added to the session but not yet flushed exists when its grants are inserted."""
    async with create_sessionmaker(engine)() as session:
        session.add(Recipient(id="r-0180", name="Stockholms stad"))
        await insert_rows(session, Grant, [{"recipient_id": "r-0180", "name": "Stockholms stad", "amount_ore": 1}])
        await session.commit()
    async with create_sessionmaker(engine)() as session:
        assert [row[:2] for row in await _stored(session, Grant)] == [("r-0180", "Stockholms stad")]


async def test_a_broken_constraint_refuses_the_whole_list(engine: AsyncEngine) -> None:
    """A row naming no recipient: IntegrityError, as an INSERT's (answered 409), and none of the rows stored."""
    rows = [*ROWS[:2], {**ROWS[0], "recipient_id": "r-9999"}]
    async with create_sessionmaker(engine)() as session:
        with pytest.raises(IntegrityError):
            await insert_rows(session, Grant, rows)
        await session.rollback()
    async with create_sessionmaker(engine)() as session:
        assert await _stored(session, Grant) == []


async def test_a_row_naming_a_column_the_table_lacks_is_refused(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        with pytest.raises(ValueError, match="grants has no column amount_kr"):
            await insert_rows(session, Grant, [{"recipient_id": "r-2521", "name": "x", "amount_kr": 1}])
