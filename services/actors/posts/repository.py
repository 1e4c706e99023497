from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations.models import Organisation
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.id_lists import in_ids
from shared.pagination import count_rows
from shared.periods import active_on


class PostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, post_id: str) -> Post | None:
        return await self.session.get(Post, post_id)

    async def get_for_update(self, post_id: str) -> Post | None:
        """The post, locked until the transaction ends: memberships of one post are checked and added in turn."""
        return await self.session.get(Post, post_id, with_for_update=True)

    async def get_many(self, ids: set[str]) -> dict[str, Post]:
        if not ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Post).where(in_ids(self.session, Post.id, ids)))}

    async def people(self, ids: set[str]) -> dict[str, Person]:
        if not ids:
            return {}
        query = select(Person).where(in_ids(self.session, Person.id, ids))
        return {p.id: p for p in await self.session.scalars(query)}

    async def membership(self, membership_id: str) -> Membership | None:
        return await self.session.get(Membership, membership_id)

    async def memberships_of_post(self, post_id: str) -> Sequence[Membership]:
        return (await self.session.scalars(select(Membership).where(Membership.post_id == post_id))).all()

    async def holders_on(self, post_ids: list[str], on: date) -> dict[str, tuple[Membership, Person]]:
        if not post_ids:
            return {}
        query = (select(Membership, Person).join(Person, Person.id == Membership.person_id)
                 .where(in_ids(self.session, Membership.post_id, post_ids),
                        active_on(Membership.valid_from, Membership.valid_to, on)))
        return {m.post_id: (m, p) for m, p in (await self.session.execute(query)).all()}

    async def search(self, *, organisation_id: str | None, on_behalf_of_id: str | None, role: str | None,
                     network_county: str | None, vacant: bool | None, as_of: date, after: str | None,
                     limit: int, with_count: bool = True) -> tuple[Sequence[Post], int]:
        query = select(Post)
        if organisation_id:
            query = query.where(Post.organisation_id == organisation_id)
        if on_behalf_of_id:
            query = query.where(Post.on_behalf_of_id == on_behalf_of_id)
        if role:
            query = query.where(Post.role == role)
        if network_county:
            represented = select(Organisation.id).where(Organisation.county_code == network_county)
            query = query.where(Post.on_behalf_of_id.in_(represented))
        query = query.where(active_on(Post.valid_from, Post.valid_to, as_of))
        if vacant is not None:
            held = exists().where(Membership.post_id == Post.id,
                                  active_on(Membership.valid_from, Membership.valid_to, as_of))
            query = query.where(~held if vacant else held)
        count = (await count_rows(self.session, query)) if with_count else -1
        if after is not None:
            query = query.where(Post.id > after)
        return (await self.session.scalars(query.order_by(Post.id).limit(limit))).all(), count

    async def memberships(self, *, person_id: str | None, post_id: str | None, as_of: date | None,
                          after: str | None, limit: int) -> tuple[Sequence[Membership], int]:
        query = select(Membership)
        if person_id:
            query = query.where(Membership.person_id == person_id)
        if post_id:
            query = query.where(Membership.post_id == post_id)
        if as_of is not None:
            query = query.where(active_on(Membership.valid_from, Membership.valid_to, as_of))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(Membership.id > after)
        return (await self.session.scalars(query.order_by(Membership.id).limit(limit))).all(), count
