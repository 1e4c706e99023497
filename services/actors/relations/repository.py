from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select

from services.actors.relations.models import Relation, RelationKind
from services.actors.relations.validity import holds_sql
from shared.known_records import get_record
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal


class RelationRepository(Repository[Relation]):
    model = Relation
    noun = "relation"

    async def hold_for_create(self, relation_id: str | None, kind: str, subject_id: str, object_id: str,
                              unit_id: str | None = None) -> None:
        """Holds, until the transaction ends, what a new relation's rules read: its id (a retried create finds
        the first one), every part-of relation (the cycle rule reads them all), the relations of its kind
        between its two ends (no overlapping periods) and the periods of its organisations (a close of one of
        them reads its relations: see hold_ends)."""
        table = Relation.__tablename__
        scopes = [(table, relation_id)] if relation_id else []
        if kind == RelationKind.PART_OF.value:
            scopes.append((table, "cycle", kind))
        ends = sorted({subject_id, object_id, *([unit_id] if unit_id else [])})
        await hold(self.session, *scopes, (table, kind, subject_id, object_id), *((table, "ends", i) for i in ends))

    async def hold_ends(self, organisation_id: str) -> None:
        """Holds, until the transaction ends, the relations that name the organisation: for its close, which
        refuses while a relation would outlast it. A relation's create (and an import of relations, which holds
        the whole family) takes the same scope, so the two never both read before the other has written."""
        await hold(self.session, (Relation.__tablename__, "ends", organisation_id))

    async def hold_hosts(self, rss_id: str) -> None:
        """Holds the hosts of an RSS until the transaction ends (the one-host rule reads them all)."""
        await hold(self.session, (Relation.__tablename__, RelationKind.HOSTS.value, rss_id))

    async def get(self, relation_id: str) -> Relation | None:
        return await get_record(self.session, Relation, relation_id)

    async def of_kind(self, kind: str) -> Sequence[Relation]:
        return (await self.session.scalars(select(Relation).where(Relation.kind == kind))).all()

    async def between(self, kind: str, subject_id: str, object_id: str) -> Sequence[Relation]:
        query = select(Relation).where(Relation.kind == kind, Relation.subject_id == subject_id,
                                       Relation.object_id == object_id)
        return (await self.session.scalars(query)).all()

    async def touching(self, organisation_id: str, *, kinds: set[str] | None = None, as_of: date | None = None,
                       direction: str = "both") -> Sequence[Relation]:
        sides = {"subject": [Relation.subject_id == organisation_id],
                 "object": [Relation.object_id == organisation_id]}
        conditions = sides.get(direction) or [*sides["subject"], *sides["object"]]
        query = select(Relation).where(or_(*conditions))
        if kinds:
            query = query.where(Relation.kind.in_(kinds))
        if as_of is not None:
            query = query.where(holds_sql(as_of))
        return (await self.session.scalars(query.order_by(Relation.valid_from, Relation.id))).all()

    async def outlasting(self, organisation_id: str, end: date) -> Sequence[Relation]:
        """The organisation's relations that would still hold on `end` or later (the first day it no longer
        exists): open-ended, or ending after it. A successor_of naming it as the predecessor starts when it ends,
        and is not among them."""
        query = select(Relation).where(
            or_(Relation.subject_id == organisation_id, Relation.unit_id == organisation_id,
                and_(Relation.object_id == organisation_id, Relation.kind != RelationKind.SUCCESSOR_OF.value)),
            or_(Relation.valid_to.is_(None), Relation.valid_to > end))
        return (await self.session.scalars(query.order_by(Relation.id))).all()

    async def rows_on(self, on: date) -> list[Any]:
        """Every relation that holds on the date, as plain rows of the relations table (an export)."""
        query = select(Relation.__table__).where(holds_sql(on))
        return list((await self.session.execute(query.order_by(Relation.id))).all())

    async def search(self, *, kind: str | None, organisation_id: str | None, as_of: date | None,
                     after: str | None, limit: int) -> tuple[Sequence[Relation], int]:
        query = where_equal(select(Relation), (Relation.kind, kind))
        if organisation_id:
            query = query.where(or_(Relation.subject_id == organisation_id, Relation.object_id == organisation_id))
        if as_of is not None:
            query = query.where(holds_sql(as_of))
        return await keyset_page(self.session, query, Relation.id, after=after, limit=limit)
