"""Holding a rule's scope until the transaction ends, so that a rule which reads before it writes still holds
when requests race.

A scope names what a rule reads: ("relations", "cycle", "part_of") for the rule that part-of never goes round in
a circle, ("relations", kind, subject, object) for overlapping relations between two ends, ("organisations", id)
for a create that must find a retried create's record. Its first element is the scope's family, the table whose
records it guards. A writer holds every scope it is about to read and then write, before reading; a second
writer of the same scope waits until the first one's transaction has ended and then reads what it stored.

PostgreSQL: one transaction-scoped advisory lock per scope, keyed by a stable 64-bit hash of it; a scope also
takes its family in shared mode, so that `hold_family` (an import writing many records of one family in one
transaction) excludes every writer of that family with one lock rather than one per row, which the server's
fixed-size lock table could not hold for a large file. SQLite: nothing to do, as a writing request's transaction
begins with BEGIN IMMEDIATE (shared/database.py), so writers already run one at a time from their first read.

Deadlocks are avoided by order: a writer names its scopes in one call, family first, then the record's id, then
rule scopes. A scope already held in the transaction (or covered by its family) costs no round trip.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

Scope = tuple[Hashable, ...]
HELD = "held_lock_scopes"
EXCLUSIVE = "pg_advisory_xact_lock"
SETUP_SCOPE: Scope = ("setup",)  # a service's migrations and reference data loads, one process at a time
SHARED = "pg_advisory_xact_lock_shared"


def scope_key(scope: Scope) -> int:
    """A stable signed 64-bit key: the same on every replica and across restarts (unlike Python's hash)."""
    digest = hashlib.blake2b(json.dumps(scope, default=str).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _held(session: AsyncSession) -> set[tuple[str, Scope]]:
    """The scopes this session's current transaction holds (locks end with it, so a new one starts empty)."""
    transaction = session.sync_session.get_transaction()
    held = session.info.get(HELD)
    if held is None or held[0] is not transaction:
        held = session.info[HELD] = (transaction, set())
    return held[1]


async def _lock(session: AsyncSession, wanted: list[tuple[str, Scope]]) -> None:
    await session.connection()  # the transaction the locks will belong to
    held = _held(session)
    missing = [(mode, scope) for mode, scope in dict.fromkeys(wanted) if (mode, scope) not in held and
               (EXCLUSIVE, scope[:1]) not in held and not (mode == SHARED and (EXCLUSIVE, scope) in held)]
    if not missing:
        return
    # Functions in one select list run left to right: the locks are taken in the order given.
    calls = ", ".join(f"{mode}(:k{i})" for i, (mode, _scope) in enumerate(missing))
    statement = text(f"SELECT {calls}").bindparams(
        *(bindparam(f"k{i}", scope_key(scope)) for i, (_mode, scope) in enumerate(missing)))
    await session.execute(statement)
    held.update(missing)


async def hold(session: AsyncSession, *scopes: Scope) -> None:
    """Holds each scope, in the order given, until the transaction ends; waits while another writer holds one."""
    if session.get_bind().dialect.name != "postgresql":
        return
    families = [(SHARED, scope[:1]) for scope in scopes if len(scope) > 1]
    await _lock(session, families + [(EXCLUSIVE, scope) for scope in scopes])


async def hold_family(session: AsyncSession, family: str) -> None:
    """Holds every scope of a family until the transaction ends: for a writer of many of its records at once."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await _lock(session, [(EXCLUSIVE, (family,))])
