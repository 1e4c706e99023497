"""The ledger through the gateway: insert-only in the database itself, hash-chained, and a change made behind
the service's back is found by verify; balances per county and recipient as of a date."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared.database import create_engine
from tests.funding_requests import create_agreement, key, receiver_allocation, requisition


def run_sql(url: str, *statements: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_the_database_refuses_to_change_or_delete_ledger_entries(stack, gateway, admin_key):
    agreement = create_agreement(gateway, admin_key)
    url = stack.database_urls["funding"]
    where = f"WHERE agreement_id = '{agreement['id']}'"
    for statement in (f"UPDATE ledger_entries SET amount_ore = 1 {where}", f"DELETE FROM ledger_entries {where}"):
        with pytest.raises(DBAPIError, match="insert-only"):
            run_sql(url, statement)
    assert gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=admin_key).json()["intact"]


def test_tampering_behind_the_service_is_found_at_the_first_changed_entry(stack, gateway, admin_key, county_key,
                                                                         database_backend):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    assert gateway.post("/funding/requisitions", json=requisition(allocation, "1000.00"),
                        headers={**county_key, **key()}).status_code == 201
    verify = f"/funding/agreements/{agreement['id']}/ledger/verify"
    intact = gateway.get(verify, headers=county_key).json()
    assert intact == {"agreement_id": agreement["id"], "entries": 4, "intact": True, "first_break": None,
                      "last_hash": intact["last_hash"]}

    if database_backend == "postgresql":
        drop = "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_insert_only"
        restore = ["ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_insert_only"]
    else:
        drop = "DROP TRIGGER ledger_entries_no_update"
        restore = ["CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN "
                   "SELECT RAISE(ABORT, 'ledger entries are insert-only: record a reversing entry instead'); END"]
    where = f"WHERE agreement_id = '{agreement['id']}' AND position = 2"
    url = stack.database_urls["funding"]
    run_sql(url, drop, f"UPDATE ledger_entries SET amount_ore = amount_ore + 100 {where}", *restore)
    broken = gateway.get(verify, headers=county_key).json()
    assert broken["intact"] is False and broken["first_break"]["position"] == 2
    assert "changed" in broken["first_break"]["reason"]

    run_sql(url, drop, f"UPDATE ledger_entries SET amount_ore = amount_ore - 100 {where}", *restore)
    assert gateway.get(verify, headers=county_key).json()["intact"] is True


def test_balances_per_county_and_recipient_as_of_a_date(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    created = gateway.post("/funding/requisitions", json=requisition(allocation, "250000.50"),
                           headers={**county_key, **key()}).json()
    for step in ("approve", "pay"):
        assert gateway.post(f"/funding/requisitions/{created['id']}/{step}",
                            headers={**admin_key, **key()}).status_code == 200
    url = f"/funding/agreements/{agreement['id']}/balances"
    by_county = gateway.get(url, params={"by": "county"}, headers=county_key).json()
    counties = {g["group"]: g for g in by_county["groups"]}
    assert counties["20"]["allocated"] == "1000000.00" and counties["20"]["requisitioned"] == "250000.50"
    assert counties["20"]["paid"] == "250000.50" and counties["01"]["paid"] == "0.00"
    assert by_county["total"]["committed"] == "4000000.00" and by_county["total"]["allocated"] == "2000000.00"
    by_recipient = gateway.get(url, params={"by": "recipient"}, headers=county_key).json()
    assert {g["group"] for g in by_recipient["groups"]} >= {r["id"] for r in allocation["receivers"].values()}
    before = gateway.get(url, params={"as_of": "2020-01-01"}, headers=county_key).json()
    assert before["total"]["allocated"] == "0.00"
