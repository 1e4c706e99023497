"""Entries recorded before the ledger was keyed keep verifying as what they are: the migration that keys the
ledger signs each agreement's head of older-format entries, and the older format verifies up to that head and
nowhere else. A chain turned into the older format behind the service, or extended in it, is found."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import insert, text

from services.funding import SERVICE_DIR
from services.funding.ledger.chain import GENESIS, legacy_hash
from services.funding.ledger.keys import LedgerKeys
from services.funding.ledger.models import EntryType, LedgerEntry
from services.funding.ledger.repository import LedgerRepository
from services.funding.ledger.service import Ledger, NewEntry
from shared.database import create_engine, create_sessionmaker
from shared.identity import Principal, Role
from shared.migrations import upgrade

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
KEYS = LedgerKeys({"2026-1": "a-ledger-key-for-these-tests-only-0123456789"}, "2026-1")


def older_entries(agreement_id: str, count: int, first: int = 1, previous: str = GENESIS) -> list[dict]:
    """Entries as the ledger wrote them before it was keyed: no key id, plain sha256."""
    rows = []
    for position in range(first, first + count):
        row = {"agreement_id": agreement_id, "position": position, "entry_type": EntryType.ALLOCATION.value,
               "reverses": None, "reversed_type": None, "entry_date": date(2025, 1, 1), "amount_ore": 100_00,
               "provider": "state", "receiver": "2080", "county_code": "20", "document_type": "allocation",
               "document_id": f"older-{position}", "actor": "skr-admin", "request_id": None,
               "recorded_at": datetime(2025, 1, 1, tzinfo=UTC), "previous_hash": previous}
        row["entry_hash"] = previous = legacy_hash(row, previous)
        rows.append(row)
    return rows


async def _store(url: str, agreement_id: str, rows: list[dict]) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            await session.execute(insert(LedgerEntry.__table__), rows)
            await LedgerRepository(session).add_to_totals(agreement_id, rows[0]["position"] - 1)
            await session.commit()
    finally:
        await engine.dispose()


async def _run(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _verify_after(url: str, agreement_id: str, keyed: int) -> dict:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            ledger = Ledger(session, KEYS)
            for _ in range(keyed):
                await ledger.record_all(ADMIN, agreement_id, [NewEntry(EntryType.ALLOCATION, 5_00, "state", "2080",
                                                                       "20", "allocation", "keyed")])
            await session.commit()
            return (await ledger.verify(agreement_id)).model_dump()
    finally:
        await engine.dispose()


def test_older_entries_verify_up_to_the_head_signed_when_the_ledger_was_keyed(new_database_url, monkeypatch):
    monkeypatch.setenv("FUNDING_LEDGER_KEY_ID", "2026-1")
    monkeypatch.setenv("FUNDING_LEDGER_SECRET", "a-ledger-key-for-these-tests-only-0123456789")
    url = new_database_url("funding_keys")
    upgrade(SERVICE_DIR, url, "0007")
    asyncio.run(_store(url, "older", older_entries("older", 3)))
    upgrade(SERVICE_DIR, url)  # keys the ledger: the head of "older" (position 3) is signed

    answer = asyncio.run(_verify_after(url, "older", 0))
    assert (answer["intact"], answer["legacy_entries"], answer["keyed_entries"]) == (True, 3, 0)
    assert answer["legacy_rule"].startswith("Entries 1-3 were recorded before the ledger was keyed")
    answer = asyncio.run(_verify_after(url, "older", 2))  # the service appends keyed entries after them
    assert (answer["intact"], answer["legacy_entries"], answer["keyed_entries"]) == (True, 3, 2)

    # In the older format behind the service: appended to a chain, or a chain of its own, are both found.
    last = answer["last_hash"]
    asyncio.run(_store(url, "older", older_entries("older", 1, first=6, previous=last)))
    asyncio.run(_store(url, "newer", older_entries("newer", 2)))
    for agreement_id, position in (("older", 6), ("newer", 1)):
        answer = asyncio.run(_verify_after(url, agreement_id, 0))
        assert answer["intact"] is False and answer["first_break"]["position"] == position
        assert "older, unkeyed format" in answer["first_break"]["reason"]

    # The signed head moved behind the service (to cover one more older-format entry): its signature fails.
    asyncio.run(_run(url, "UPDATE ledger_legacy_heads SET position = 4 WHERE agreement_id = 'older'"))
    answer = asyncio.run(_verify_after(url, "older", 0))
    assert answer["intact"] is False and answer["first_break"]["position"] == 1
    assert "does not match its signature" in answer["first_break"]["reason"]
