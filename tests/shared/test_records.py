import re
from datetime import date

import pytest
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from shared.database import service_metadata
from shared.records import ValidityMixin, VersionedMixin, new_record_id


class Base(DeclarativeBase):
    metadata = service_metadata()


class Agreement(ValidityMixin, VersionedMixin, Base):
    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))


@pytest.fixture
def engine():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_a_new_record_id_names_its_kind_and_is_unique():
    ids = {new_record_id("agreement") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"agreement-[0-9a-f]{16}", i) for i in ids)


def test_every_committed_change_moves_the_version(engine):
    with Session(engine) as session:
        session.add(Agreement(id="a", title="first", valid_from=date(2024, 1, 1)))
        session.commit()
        record = session.get(Agreement, "a")
        assert (record.version, record.valid_from, record.valid_to) == (1, date(2024, 1, 1), None)
        record.title = "second"
        session.commit()
        assert record.version == 2


def test_a_writer_holding_an_old_version_cannot_overwrite_a_newer_one(engine):
    with Session(engine) as session:
        session.add(Agreement(id="a", title="first"))
        session.commit()
    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(Agreement, "a"), second.get(Agreement, "a")
        theirs.title = "theirs"
        second.commit()
        mine.title = "mine"
        with pytest.raises(StaleDataError):
            first.commit()
    with Session(engine) as session:
        assert session.get(Agreement, "a").title == "theirs"
