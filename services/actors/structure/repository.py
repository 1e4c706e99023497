"""Read-only SQL for the cross-cutting questions, in a few flat queries (no ORM objects on the hot path)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.actors.organisations.models import ContactChannel, Organisation, OrganisationName
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.periods import active_on


class StructureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seats(self, *, organisation_id: str, county_code: str, on: date) -> Sequence[Row[Any]]:
        """Posts in an organisation held on behalf of a county's organisations on a date, with their holders."""
        behalf = aliased(Organisation)
        query = (
            select(Post.id, Post.role, Post.label, Post.valid_from, Post.valid_to, Post.version,
                   behalf.id.label("behalf_id"), behalf.kind.label("behalf_kind"),
                   behalf.county_code.label("behalf_county"), Membership.id.label("membership_id"),
                   Person.id.label("person_id"), Person.given_name, Person.family_name, Person.email,
                   Person.phone)
            .join(behalf, behalf.id == Post.on_behalf_of_id)
            .outerjoin(Membership, and_(Membership.post_id == Post.id,
                                        active_on(Membership.valid_from, Membership.valid_to, on)))
            .outerjoin(Person, Person.id == Membership.person_id)
            .where(Post.organisation_id == organisation_id, behalf.county_code == county_code,
                   active_on(Post.valid_from, Post.valid_to, on))
            .order_by(Post.id)
        )
        return (await self.session.execute(query)).all()

    async def organisation_heads(self, ids: Iterable[str]) -> dict[str, Row[Any]]:
        query = select(Organisation.id, Organisation.kind, Organisation.county_code).where(Organisation.id.in_(ids))
        return {row.id: row for row in (await self.session.execute(query)).all()}

    async def names(self, ids: Iterable[str]) -> dict[str, list[Row[Any]]]:
        query = (select(OrganisationName.organisation_id, OrganisationName.name, OrganisationName.valid_from,
                        OrganisationName.valid_to)
                 .where(OrganisationName.organisation_id.in_(ids)).order_by(OrganisationName.position))
        names: dict[str, list[Row[Any]]] = defaultdict(list)
        for row in (await self.session.execute(query)).all():
            names[row.organisation_id].append(row)
        return names

    async def post_contacts(self, post_ids: Iterable[str]) -> dict[str, list[ContactChannel]]:
        contacts: dict[str, list[ContactChannel]] = defaultdict(list)
        for channel in await self.session.scalars(select(ContactChannel).where(ContactChannel.post_id.in_(post_ids))):
            assert channel.post_id is not None
            contacts[channel.post_id].append(channel)
        return contacts
