import asyncio

import pytest
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from shared.audit import AuditEventMixin, AuditTrail
from shared.database import service_metadata
from shared.identity import Principal, Role


class Base(DeclarativeBase):
    metadata = service_metadata()


class AuditEvent(AuditEventMixin, Base):
    __tablename__ = "audit_events"


CALLER = Principal(subject="county:20", role=Role.COUNTY, county_code="20")


async def _with_trail(body):  # type: ignore[no-untyped-def]
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        return await body(sessions)
    finally:
        await engine.dispose()


async def _events(sessions) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_an_event_is_committed_with_its_change_and_names_who_and_which_request():
    async def body(sessions):  # type: ignore[no-untyped-def]
        structlog.contextvars.bind_contextvars(request_id="req-1")
        try:
            async with sessions() as session, session.begin():
                AuditTrail(session, CALLER, AuditEvent).record("create", "agreement", "a-1", county="20",
                                                               after={"title": "First"})
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        return await _events(sessions)

    [event] = asyncio.run(_with_trail(body))
    assert (event.actor, event.action, event.entity_type, event.entity_id, event.county_code) == \
        ("county:20", "create", "agreement", "a-1", "20")
    assert (event.before, event.after, event.request_id) == (None, {"title": "First"}, "req-1")
    assert event.at is not None


def test_a_rolled_back_change_leaves_no_event():
    async def body(sessions):  # type: ignore[no-untyped-def]
        with pytest.raises(RuntimeError):
            async with sessions() as session, session.begin():
                AuditTrail(session, CALLER, AuditEvent).record("create", "agreement", "a-1", county="20")
                await session.flush()
                raise RuntimeError("the change failed after the event was written")
        return await _events(sessions)

    assert asyncio.run(_with_trail(body)) == []


def test_redaction_keeps_who_and_when_but_not_what_the_record_held():
    async def body(sessions):  # type: ignore[no-untyped-def]
        async with sessions() as session, session.begin():
            trail = AuditTrail(session, CALLER, AuditEvent)
            trail.record("create", "person", "p-1", county="20", after={"name": "Exempel"})
            trail.record("update", "person", "p-1", county="20", before={"name": "Exempel"}, after={"name": "X"})
            trail.record("create", "person", "p-2", county="20", after={"name": "Other"})
        async with sessions() as session, session.begin():
            await AuditTrail(session, CALLER, AuditEvent).redact("person", "p-1", {"id": "p-1", "erased": True})
        return await _events(sessions)

    events = asyncio.run(_with_trail(body))
    assert [(e.action, e.entity_id, e.before, e.after) for e in events] == [
        ("create", "p-1", None, {"id": "p-1", "erased": True}),
        ("update", "p-1", None, {"id": "p-1", "erased": True}),
        ("create", "p-2", None, {"name": "Other"}),
    ]
