"""All SQL of the registry's change counter (registry_state): reading it, alone or as a column of another read,
and adding one to it when a transaction that changed the register commits (changes/counter.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.actors.changes.models import THE_ROW, RegistryState
from shared.driver_reads import DriverRead
from shared.repository import Repository

_STATE = RegistryState.__table__
_COUNT_CHANGE = update(_STATE).where(_STATE.c.id == THE_ROW).values(version=_STATE.c.version + 1)
# The counter alone; run by RegistryStateRepository, and by a read on a connection of its own (the
# representatives', structure/repository.py).
VERSION = DriverRead(select(RegistryState.version).where(RegistryState.id == THE_ROW))


def registry_version_column() -> Any:
    """The current version as a column, to read it in the same statement (the same snapshot) as other data."""
    return (select(RegistryState.version).where(RegistryState.id == THE_ROW).scalar_subquery()
            .label("registry_version"))


def count_change(session: Session) -> None:
    """One more committed change: the last statement of the committing transaction (a sync session's, in its
    before_commit event)."""
    session.execute(_COUNT_CHANGE)


class RegistryStateRepository(Repository[RegistryState]):
    model = RegistryState
    noun = "registry state"

    async def version(self) -> int:
        """The counter, read on the driver of the request's connection (one prepared statement)."""
        return version_of(await self.rows(VERSION))


def version_of(rows: list[Any]) -> int:
    """The counter from the rows of VERSION (0 before the register's first change)."""
    return rows[0].version if rows else 0
