from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, select

from services.actors.database import table_columns
from services.actors.id_lists import in_ids
from services.actors.organisations.models import ContactChannel, Organisation
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.known_records import get_record
from shared.locks import hold
from shared.pagination import count_rows, keyset_page
from shared.periods import active_on
from shared.repository import Repository, where_equal


@dataclass(slots=True)
class PostRecord:
    """A post as list pages read it: the columns the presenter uses and its own contact channels, no ORM."""

    id: str
    organisation_id: str
    role: str
    label: str | None
    on_behalf_of_id: str | None
    valid_from: date | None
    valid_to: date | None
    version: int
    source: str | None = None
    contacts: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class Holder:
    """Who holds a post on a date: the membership's id and the person's columns that person_brief reads,
    `managed_by_county` with them (whom the e-mail and phone are shown to depends on it)."""

    membership_id: str
    id: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    managed_by_county: str | None


HOLDER_COLUMNS = ("id", "given_name", "family_name", "email", "phone", "managed_by_county")
POST_COLUMNS = table_columns(Post, "id", "organisation_id", "role", "label", "on_behalf_of_id", "valid_from",
                             "valid_to", "version", "source")


class PostRepository(Repository[Post]):
    """Posts and their memberships (a membership is a post's holder for a period)."""

    model = Post
    noun = "post"

    async def hold_id(self, model: type[Post] | type[Membership], record_id: str) -> None:
        """Holds a post's or membership's id until the transaction ends: a create retried at the same time finds
        the first one instead of failing on it."""
        await hold(self.session, (model.__tablename__, record_id))

    async def get(self, post_id: str) -> Post | None:
        return await get_record(self.session, Post, post_id)

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
        return await get_record(self.session, Membership, membership_id)

    async def memberships_of_post(self, post_id: str) -> Sequence[Membership]:
        return (await self.session.scalars(select(Membership).where(Membership.post_id == post_id))).all()

    async def holders_on(self, post_ids: list[str] | None, on: date) -> dict[str, Any]:
        """Per post, the membership holding it on the date with its person, as plain rows with Holder's
        columns; `post_ids` None: every post's."""
        if post_ids == []:
            return {}
        query = (select(Membership.post_id, Membership.id.label("membership_id"),
                        *table_columns(Person, *HOLDER_COLUMNS))
                 .join(Person, Person.id == Membership.person_id)
                 .where(active_on(Membership.valid_from, Membership.valid_to, on)))
        if post_ids is not None:
            query = query.where(in_ids(self.session, Membership.post_id, post_ids))
        return {row.post_id: row for row in (await self.session.execute(query)).all()}

    async def every_post(self) -> list[PostRecord]:
        """Every post with its contact channels, as plain records (an export)."""
        return await self._with_contacts(select(*POST_COLUMNS).order_by(Post.id), every=True)

    async def memberships_on(self, on: date) -> list[Any]:
        """Every membership that holds on the date, as plain rows of the memberships table (an export)."""
        query = select(Membership.__table__).where(active_on(Membership.valid_from, Membership.valid_to, on))
        return list((await self.session.execute(query.order_by(Membership.id))).all())

    async def _with_contacts(self, posts: Select[Any], *, every: bool = False) -> list[PostRecord]:
        """The posts `posts` selects (POST_COLUMNS) with their contact channels, read joined to the same
        selection (no list of ids to render); `every`: it selects every post, so the channels are read whole."""
        records = [PostRecord(*row) for row in (await self.session.execute(posts)).all()]
        if not records:
            return records
        by_id = {r.id: r for r in records}
        contacts = (select(*table_columns(ContactChannel, "post_id", "kind", "value", "label"))
                    .where(ContactChannel.post_id.is_not(None)).order_by(ContactChannel.id))
        if not every:
            selection = posts.with_only_columns(Post.__table__.c.id).subquery("selection")
            contacts = contacts.join(selection, selection.c.id == ContactChannel.post_id)
        for contact in (await self.session.execute(contacts)).all():
            if (record := by_id.get(contact.post_id)) is not None:
                record.contacts.append(contact)
        return records

    async def search(self, *, organisation_id: str | None, on_behalf_of_id: str | None, role: str | None,
                     network_county: str | None, vacant: bool | None, as_of: date, after: str | None,
                     limit: int, with_count: bool = True) -> tuple[list[PostRecord], int]:
        query = where_equal(select(*POST_COLUMNS), (Post.organisation_id, organisation_id),
                            (Post.on_behalf_of_id, on_behalf_of_id), (Post.role, role))
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
        return await self._with_contacts(query.order_by(Post.id).limit(limit)), count

    async def memberships(self, *, person_id: str | None, post_id: str | None, as_of: date | None,
                          after: str | None, limit: int) -> tuple[Sequence[Membership], int]:
        query = where_equal(select(Membership), (Membership.person_id, person_id), (Membership.post_id, post_id))
        if as_of is not None:
            query = query.where(active_on(Membership.valid_from, Membership.valid_to, as_of))
        return await keyset_page(self.session, query, Membership.id, after=after, limit=limit)
