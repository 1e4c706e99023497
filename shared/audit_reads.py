"""Reading a service's audit trail (shared/audit.py writes it): the one query and the one read rule, for every
service. A county system reads the events of its own county's records only (each event stores its record's
owning county: shared.authorization.county_read_scope); national administrators and the dashboard read every
event; a respondent key reads none (the routes take `Caller`).

    class AuditRepository(AuditEvents[AuditEvent]):   # the service's repository module
        model = AuditEvent

    page = await read_trail(AuditRepository(session), caller, paging, event_out, entity_type=..., ...)

How much of an event's snapshot a caller sees is the service's presenter's business (the registry hides
contact details there); which events is this module's.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import AuditEventMixin
from shared.authorization import county_read_scope
from shared.identity import Principal
from shared.pagination import Page, PageRequest, keyset_page
from shared.repository import Repository, where_equal

E = TypeVar("E", bound=AuditEventMixin)
Out = TypeVar("Out")


class AuditEvents(Repository[E]):
    noun = "audit event"

    async def search(self, *, county_code: str | None, entity_type: str | None, entity_id: str | None,
                     actor: str | None, after: int | None, limit: int) -> tuple[Sequence[E], int]:
        """`county_code`: only the events of that county's records (None: every county's)."""
        events = self.model
        query = where_equal(select(events), (events.county_code, county_code), (events.entity_type, entity_type),
                            (events.entity_id, entity_id), (events.actor, actor))
        return await keyset_page(self.session, query, events.id, after=after, limit=limit)


async def read_trail(repository: AuditEvents[E], caller: Principal, paging: PageRequest,
                     present: Callable[[Sequence[E]], list[Out] | Awaitable[list[Out]]], *,
                     entity_type: str | None, entity_id: str | None, actor: str | None) -> Page[Out]:
    """The page of events `caller` may read, presented by the service: `present` takes the page's events (and
    may ask its own questions about them first, as the registry does for the people they name)."""
    rows, count = await repository.search(county_code=county_read_scope(caller), entity_type=entity_type,
                                          entity_id=entity_id, actor=actor, after=paging.after_key(int),
                                          limit=paging.limit + 1)
    presented = present(rows)
    items = await presented if inspect.isawaitable(presented) else presented
    return paging.page(items, count=count, sort_key=lambda e: [e.id])  # type: ignore[attr-defined]


class TrailReader(Generic[E, Out]):
    """A service's audit read, provided to its route (`provided(AuditService, Caller)`): the service names its
    repository and presents its events; which events a caller reads is `read_trail`'s rule.

        class AuditService(TrailReader[AuditEvent, AuditEventOut]):
            repository_class = AuditRepository

            def present(self, rows): return [event_out(r) for r in rows]
    """

    repository_class: ClassVar[type[AuditEvents[Any]]]

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session, self.caller = session, caller
        self.repository = self.repository_class(session)

    def present(self, rows: Sequence[E]) -> list[Out] | Awaitable[list[Out]]:
        raise NotImplementedError

    async def search(self, *, entity_type: str | None, entity_id: str | None, actor: str | None,
                     paging: PageRequest) -> Page[Out]:
        return await read_trail(self.repository, self.caller, paging, self.present, entity_type=entity_type,
                                entity_id=entity_id, actor=actor)
