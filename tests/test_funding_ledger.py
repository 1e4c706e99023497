"""The ledger through the gateway: insert-only in the database itself, chained by a MAC under a key the database
does not hold, anchored by signed receipts; a change made behind the service's back is found by verify (a removed
tail against a receipt), and so is a running total that differs from its entries; balances per county and
recipient as of a date."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Executable, insert, select, text
from sqlalchemy.exc import DBAPIError

from services.funding.ledger.chain import entry_mac, legacy_hash, receipt_token
from services.funding.ledger.keys import LedgerKeys
from services.funding.ledger.models import LedgerEntry
from shared.database import create_engine
from tests.funding_requests import create_agreement, key, receiver_allocation, requisition
from tests.support import assert_problem

ENTRIES = LedgerEntry.__table__
INSERT_ONLY = "ledger entries are insert-only: record a reversing entry instead"


def run_sql(url: str, *statements: str | Executable) -> None:
    """The statements in one transaction, straight on the service's database (as someone with rights on it)."""
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                for statement in statements:
                    await conn.execute(text(statement) if isinstance(statement, str) else statement)
        finally:
            await engine.dispose()

    asyncio.run(run())


def stored_chain(url: str, agreement_id: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(select(ENTRIES).where(ENTRIES.c.agreement_id == agreement_id)
                                          .order_by(ENTRIES.c.position))
                return [dict(row) for row in rows.mappings()]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def behind_the_triggers(backend: str, *statements: str | Executable) -> list[str | Executable]:
    """The statements with the ledger's triggers out of the way: on PostgreSQL as a superuser's session in
    replica mode (no trigger fires), on SQLite with the triggers dropped and made again."""
    if backend == "postgresql":
        return ["SET LOCAL session_replication_role = replica", *statements]
    events = ("update", "delete")
    return [*(f"DROP TRIGGER ledger_entries_no_{event}" for event in events), *statements,
            *(f"CREATE TRIGGER ledger_entries_no_{event} BEFORE {event.upper()} ON ledger_entries BEGIN "
              f"SELECT RAISE(ABORT, '{INSERT_ONLY}'); END" for event in events)]


def moved_totals(agreement_id: str, county: str, kind: str, amount_ore: int, entries: int) -> str:
    """The running totals moved as an entry of `kind` would move them: what someone covering a change made."""
    return (f"UPDATE ledger_totals SET total = total + {amount_ore}, entries = entries + {entries} "
            f"WHERE kind = '{kind}' AND county_code = '{county}' AND ((grouping = 'agreement' AND grp = "
            f"'{agreement_id}') OR (grouping = 'county' AND grp = '{county}'))")


def paid_with_receipts(gateway, admin_key, county_key, allocation, amount: str) -> list[str]:
    """A requisition submitted, approved and paid; the Ledger-Receipt of each answer (None: no money moved)."""
    created = gateway.post("/funding/requisitions", json=requisition(allocation, amount),
                           headers={**county_key, **key()})
    assert created.status_code == 201, created.text
    answers = [created] + [gateway.post(f"/funding/requisitions/{created.json()['id']}/{step}",
                                        headers={**admin_key, **key()}) for step in ("approve", "pay")]
    assert all(a.status_code in (200, 201) for a in answers)
    return [a.headers.get("Ledger-Receipt") for a in answers]


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
                      "last_hash": intact["last_hash"], "keyed_entries": 4, "legacy_entries": 0,
                      "legacy_rule": None, "receipt": None, "total_differences": []}

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
    assert {(d["grouping"], d["kind"]) for d in broken["total_differences"]} == {("agreement", "allocation")}

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


def test_a_payment_answers_with_a_receipt_that_verifies(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    submitted, approved, paid = paid_with_receipts(gateway, admin_key, county_key, allocation, "1000.00")
    assert submitted and paid and approved is None  # an approval moves no money
    verify = f"/funding/agreements/{agreement['id']}/ledger/verify"
    for receipt in (submitted, paid):
        answer = gateway.get(verify, params={"receipt": receipt}, headers=county_key).json()
        assert answer["intact"] is True and answer["receipt"]["holds"] is True, answer
    answer = gateway.get(verify, params={"receipt": paid}, headers=county_key).json()
    assert answer["receipt"]["position"] == answer["entries"] == 5
    assert answer["receipt"]["head_hash"] == answer["last_hash"]

    checkpoint = gateway.get(f"/funding/agreements/{agreement['id']}/ledger/checkpoint", headers=county_key).json()
    assert (checkpoint["position"], checkpoint["head_hash"]) == (5, answer["last_hash"])
    assert checkpoint["key_id"] == "development" and len(checkpoint["signature"]) == 64
    assert gateway.get(verify, params={"receipt": checkpoint["receipt"]}, headers=county_key).json()["intact"]


def test_a_receipt_is_checked_before_it_is_believed(gateway, admin_key, county_key):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    other = create_agreement(gateway, admin_key)
    receipt = paid_with_receipts(gateway, admin_key, county_key, allocation, "10.00")[-1]
    verify = f"/funding/agreements/{agreement['id']}/ledger/verify"
    assert_problem(gateway.get(f"/funding/agreements/{other['id']}/ledger/verify", params={"receipt": receipt},
                               headers=county_key), 422, field="query.receipt", rule="receipt_agreement")
    checkpoint = gateway.get(f"/funding/agreements/{agreement['id']}/ledger/checkpoint", headers=county_key).json()
    longer = receipt_token({**{k: checkpoint[k] for k in checkpoint if k != "receipt"}, "position": 6})
    assert_problem(gateway.get(verify, params={"receipt": longer}, headers=county_key), 422,
                   field="query.receipt", rule="receipt_signature")
    assert_problem(gateway.get(verify, params={"receipt": "bm90LWEtcmVjZWlwdA"}, headers=county_key), 422,
                   field="query.receipt", rule="receipt_format")


def test_a_removed_last_entry_is_found_against_a_receipt(stack, gateway, admin_key, county_key, database_backend):
    agreement, allocation = receiver_allocation(gateway, admin_key)
    receipt = paid_with_receipts(gateway, admin_key, county_key, allocation, "2500.00")[-1]
    verify = f"/funding/agreements/{agreement['id']}/ledger/verify"
    head = gateway.get(verify, headers=county_key).json()
    assert head["intact"] and head["entries"] == 5

    # The payment's entry removed behind the service, and the totals made to agree with what is left.
    url = stack.database_urls["funding"]
    run_sql(url, *behind_the_triggers(database_backend, f"DELETE FROM ledger_entries WHERE agreement_id = "
                                                        f"'{agreement['id']}' AND position = 5"),
            moved_totals(agreement["id"], "20", "disbursement", -250000, -1))
    # The chain alone cannot tell: what is left is a chain of four entries, each with its MAC.
    alone = gateway.get(verify, headers=county_key).json()
    assert alone["intact"] is True and alone["entries"] == 4, alone["total_differences"]
    held = gateway.get(verify, params={"receipt": receipt}, headers=county_key).json()
    assert held["intact"] is False and held["first_break"]["position"] == 5
    assert held["first_break"]["reason"].startswith(
        f"the ledger is shorter than a receipt you hold: position 5 of hash {head['last_hash']} is missing")
    assert held["receipt"]["holds"] is False

    # A new entry at the removed position does not make the receipt hold again: its hash is another.
    assert gateway.post("/funding/requisitions", json=requisition(allocation, "1.00"),
                        headers={**county_key, **key()}).status_code == 201
    again = gateway.get(verify, params={"receipt": receipt}, headers=county_key).json()
    assert again["intact"] is False and "rewritten" in again["first_break"]["reason"]


@pytest.mark.parametrize("forgery", ["sha256", "wrong key", "unknown key"])
def test_an_appended_forged_entry_is_found(stack, gateway, admin_key, county_key, forgery):
    """Someone with INSERT rights alone appends a payment, chained to the head, and moves the totals to match."""
    agreement, allocation = receiver_allocation(gateway, admin_key)
    paid_with_receipts(gateway, admin_key, county_key, allocation, "100.00")
    url = stack.database_urls["funding"]
    last = stored_chain(url, agreement["id"])[-1]
    forged = {**{c: last[c] for c in ("agreement_id", "provider", "receiver", "county_code", "actor")},
              "position": last["position"] + 1, "entry_type": "disbursement", "reverses": None,
              "reversed_type": None, "entry_date": last["entry_date"], "amount_ore": 100_000_000,
              "document_type": "requisition", "document_id": "forged", "request_id": None,
              "recorded_at": datetime.now(UTC), "previous_hash": last["entry_hash"],
              "key_id": {"sha256": None, "wrong key": "development", "unknown key": "2027-1"}[forgery]}
    if forgery == "sha256":
        forged["entry_hash"] = legacy_hash(forged, last["entry_hash"])
    else:
        guessed = LedgerKeys({forged["key_id"]: "not-the-ledger-key-but-as-long-as-one-0123456789"},
                             forged["key_id"])
        forged["entry_hash"] = entry_mac(guessed, forged)
    run_sql(url, insert(ENTRIES).values(**forged),
            moved_totals(agreement["id"], "20", "disbursement", 100_000_000, 1))

    answer = gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()
    assert answer["intact"] is False and answer["total_differences"] == []
    assert answer["first_break"]["position"] == forged["position"]
    assert {"sha256": "older, unkeyed format", "wrong key": "does not match its MAC",
            "unknown key": "which this service does not hold"}[forgery] in answer["first_break"]["reason"]


@pytest.mark.parametrize("rewrite", ["recorded_at alone", "re-hashed with sha256", "re-hashed as the older format"])
def test_a_rewritten_chain_is_found(stack, gateway, admin_key, county_key, database_backend, rewrite):
    """Entry 2 changed with the triggers out of the way, and (but the first case) every hash from there re-computed
    without the key: keeping the key ids, or turning the whole chain into the older, unkeyed format."""
    agreement, allocation = receiver_allocation(gateway, admin_key)
    paid_with_receipts(gateway, admin_key, county_key, allocation, "100.00")
    url = stack.database_urls["funding"]
    rows = stored_chain(url, agreement["id"])
    rows[1]["recorded_at"] = datetime(2020, 1, 1, tzinfo=UTC)
    first = 1 if rewrite == "re-hashed as the older format" else 2
    previous = rows[first - 2]["entry_hash"] if first > 1 else "0" * 64
    for row in rows[first - 1:] if rewrite != "recorded_at alone" else []:
        if rewrite == "re-hashed as the older format":
            row["key_id"] = None
        row["previous_hash"], row["entry_hash"] = previous, legacy_hash(row, previous)
        previous = row["entry_hash"]
    updates = [ENTRIES.update().where(ENTRIES.c.id == row["id"]).values(
        recorded_at=row["recorded_at"], previous_hash=row["previous_hash"], entry_hash=row["entry_hash"],
        key_id=row["key_id"]) for row in rows]
    run_sql(url, *behind_the_triggers(database_backend, *updates))

    answer = gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()
    assert answer["intact"] is False and answer["first_break"]["position"] == first
    assert {"recorded_at alone": "does not match its MAC", "re-hashed with sha256": "does not match its MAC",
            "re-hashed as the older format": "older, unkeyed format"}[rewrite] in answer["first_break"]["reason"]


def test_a_changed_running_total_is_found(stack, gateway, admin_key, county_key):
    agreement, _allocation = receiver_allocation(gateway, admin_key)
    url = stack.database_urls["funding"]
    balances = f"/funding/agreements/{agreement['id']}/balances"
    before = gateway.get("/funding/balances", params={"by": "agreement"}, headers=county_key).json()
    mine = next(g for g in before["groups"] if g["group"] == agreement["id"])
    run_sql(url, moved_totals(agreement["id"], "20", "allocation", 100_000_000, 0))  # +1 MSEK
    try:
        after = gateway.get("/funding/balances", params={"by": "agreement"}, headers=county_key).json()
        shown = next(g for g in after["groups"] if g["group"] == agreement["id"])
        assert (mine["allocated"], shown["allocated"]) == ("2000000.00", "3000000.00")  # the read path believes it
        assert gateway.get(balances, headers=county_key).json()["total"]["allocated"] == "2000000.00"

        answer = gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()
        assert answer["intact"] is False and answer["first_break"] is None
        assert answer["total_differences"] == [{
            "grouping": "agreement", "group": agreement["id"], "county_code": "20", "kind": "allocation",
            "stored": "2000000.00", "recomputed": "1000000.00", "stored_entries": 1, "recomputed_entries": 1}]
        national = gateway.get("/funding/ledger/verify", headers=county_key).json()
        assert national["intact"] is False and national["rows"] > 0
        found = {(d["grouping"], d["group"]): Decimal(d["stored"]) - Decimal(d["recomputed"])
                 for d in national["total_differences"] if d["kind"] == "allocation"}
        assert found[("agreement", agreement["id"])] == found[("county", "20")] == Decimal("1000000.00")
    finally:
        run_sql(url, moved_totals(agreement["id"], "20", "allocation", -100_000_000, 0))
    assert gateway.get(f"/funding/agreements/{agreement['id']}/ledger/verify", headers=county_key).json()["intact"]
    national = gateway.get("/funding/ledger/verify", headers=county_key).json()
    assert not [d for d in national["total_differences"] if d["group"] in (agreement["id"], "20")]


def test_the_database_refuses_to_truncate_the_ledger(stack, database_backend):
    if database_backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE meets the row-level trigger")
    for table in ("ledger_entries", "ledger_totals"):
        with pytest.raises(DBAPIError, match="cannot be truncated"):
            run_sql(stack.database_urls["funding"], f"TRUNCATE {table} CASCADE")
