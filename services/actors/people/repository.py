"""All SQL for people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.actors.id_lists import in_ids
from services.actors.people.models import Person
from shared.known_records import get_record
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository
from shared.text_search import like_pattern


class PersonRepository(Repository[Person]):
    model = Person
    noun = "person"

    async def get(self, person_id: str) -> Person | None:
        return await get_record(self.session, Person, person_id)

    async def get_many(self, ids: set[str]) -> dict[str, Person]:
        """The stored ones of these people, in one query (a bulk import's retried rows)."""
        if not ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Person).where(
            in_ids(self.session, Person.id, ids)))}

    async def managed_by(self, ids: set[str]) -> dict[str, str | None]:
        """Each of these people's managing county (None: the national administrators'), in one query: whom
        their e-mail and phone are shown to where an answer carries them without it (audit snapshots)."""
        if not ids:
            return {}
        query = select(Person.id, Person.managed_by_county).where(in_ids(self.session, Person.id, ids))
        return {row.id: row.managed_by_county for row in (await self.session.execute(query)).all()}

    async def existing_ids(self, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        return set(await self.session.scalars(select(Person.id).where(in_ids(self.session, Person.id, ids))))

    async def hold_id(self, person_id: str) -> None:
        """Held until the transaction ends: a create retried at the same time finds the first one."""
        await hold(self.session, (Person.__tablename__, person_id))

    async def search(self, *, name: str | None, after: str | None, limit: int) -> tuple[Sequence[Person], int]:
        query = select(Person)
        if name:
            query = query.where(Person.search_name.like(like_pattern(name)))
        return await keyset_page(self.session, query, Person.id, after=after, limit=limit)
