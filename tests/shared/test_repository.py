import asyncio

import pytest
from sqlalchemy import String
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.database import service_metadata
from shared.problems import NotFound
from shared.repository import Repository


class Base(DeclarativeBase):
    metadata = service_metadata()


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))


class RoundRepository(Repository[Round]):
    model = Round
    noun = "round"


def test_add_flush_get_and_404_naming_the_record():
    async def body() -> None:
        engine = create_async_engine("sqlite+aiosqlite://")
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with async_sessionmaker(engine)() as session, session.begin():
            rounds = RoundRepository(session)
            rounds.add(Round(id="r-1", title="Needs 2026"))
            await rounds.flush()
            assert (await rounds.get_or_404("r-1")).title == "Needs 2026"
            assert await rounds.get("r-2") is None
            with pytest.raises(NotFound, match="No round has id 'r-2'."):
                await rounds.get_or_404("r-2")
        await engine.dispose()

    asyncio.run(body())
