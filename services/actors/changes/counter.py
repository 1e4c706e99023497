"""Counting committed changes, and reading the count.

Every session of the actors service is a RegistrySession: when a transaction that flushed any change commits, it
first adds one to registry_state.version. The increment is the transaction's last statement, so concurrent
writers queue on that row only for the moment of their commit, and a failed or rolled-back request leaves the
number as it was. Readers use the number to tell whether anything has changed since they last looked: answers
kept in memory (the representatives, structure/service.py) and the ETags of those answers.

Writes made outside the service (SQL typed into a console, a bulk load with plain INSERTs) do not move the
number; such a change must end with `UPDATE registry_state SET version = version + 1`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from services.actors.changes.repository import count_change

_CHANGED = "registry_changed"


class RegistrySession(Session):
    """A session that counts its committed changes in registry_state."""


@event.listens_for(RegistrySession, "after_flush")
def _note_change(session: Session, _context: Any) -> None:
    session.info[_CHANGED] = True


@event.listens_for(RegistrySession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """INSERT, UPDATE or DELETE statements run through the session change the register too."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_CHANGED] = True


@event.listens_for(RegistrySession, "before_commit")
def _count_change(session: Session) -> None:
    session.flush()  # what is still pending is part of this commit too
    if session.info.get(_CHANGED):
        count_change(session)


@event.listens_for(RegistrySession, "after_commit")
@event.listens_for(RegistrySession, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop(_CHANGED, None)

