"""Read-only SQL for the cross-cutting questions, in a few flat queries (no ORM objects on the hot path)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.actors.organisations.models import ContactChannel, Organisation, OrganisationName
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.periods import active_on


def name_on_date(organisation_id: Any, on: date) -> Any:
    """SQL for the name an organisation had on a date, by the same rule as presenter.name_on: the name that held
    then; before the first name, the first; otherwise the latest."""
    names = OrganisationName
    holding = (select(names.name).where(names.organisation_id == organisation_id,
                                        active_on(names.valid_from, names.valid_to, on))
               .order_by(names.position).limit(1).scalar_subquery())
    first_if_before = (select(names.name).where(names.organisation_id == organisation_id, names.position == 0,
                                                names.valid_from > on).scalar_subquery())
    latest = (select(names.name).where(names.organisation_id == organisation_id)
              .order_by(names.position.desc()).limit(1).scalar_subquery())
    return func.coalesce(holding, first_if_before, latest)


def _seats_statement() -> Any:
    """Built once: constructing this statement (aliases, correlated subqueries) cost more CPU per request than
    running it, so it takes its values as bound parameters."""
    on = bindparam("on", type_=Date)
    behalf, holder_of = aliased(Organisation), aliased(Organisation)
    has_contacts = select(ContactChannel.id).where(ContactChannel.post_id == Post.id).exists()
    return (
        select(Post.id, Post.role, Post.label, Post.valid_from, Post.valid_to, Post.version,
               has_contacts.label("has_contacts"), holder_of.kind.label("in_kind"),
               holder_of.county_code.label("in_county"), name_on_date(holder_of.id, on).label("in_name"),
               behalf.id.label("behalf_id"), behalf.kind.label("behalf_kind"),
               behalf.county_code.label("behalf_county"), name_on_date(behalf.id, on).label("behalf_name"),
               Membership.id.label("membership_id"), Person.id.label("person_id"), Person.given_name,
               Person.family_name, Person.email, Person.phone)
        .join(behalf, behalf.id == Post.on_behalf_of_id)
        .join(holder_of, holder_of.id == Post.organisation_id)
        .outerjoin(Membership, and_(Membership.post_id == Post.id,
                                    active_on(Membership.valid_from, Membership.valid_to, on)))
        .outerjoin(Person, Person.id == Membership.person_id)
        .where(Post.organisation_id == bindparam("organisation_id"), behalf.county_code == bindparam("county_code"),
               active_on(Post.valid_from, Post.valid_to, on))
        .order_by(Post.id)
    )


SEATS_STATEMENT = _seats_statement()


class StructureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def heads(self, ids: Iterable[str], on: date) -> dict[str, Row[Any]]:
        """Id, kind, county and the name on the date, in one query."""
        query = select(Organisation.id, Organisation.kind, Organisation.county_code,
                       name_on_date(Organisation.id, on).label("name")).where(Organisation.id.in_(ids))
        return {row.id: row for row in (await self.session.execute(query)).all()}

    async def seats(self, *, organisation_id: str, county_code: str, on: date) -> Sequence[Row[Any]]:
        """Posts in an organisation held on behalf of a county's organisations on a date, with their holders."""
        params = {"organisation_id": organisation_id, "county_code": county_code, "on": on}
        return (await self.session.execute(SEATS_STATEMENT, params)).all()

    async def post_contacts(self, post_ids: Iterable[str]) -> dict[str, list[ContactChannel]]:
        contacts: dict[str, list[ContactChannel]] = defaultdict(list)
        for channel in await self.session.scalars(select(ContactChannel).where(ContactChannel.post_id.in_(post_ids))):
            assert channel.post_id is not None
            contacts[channel.post_id].append(channel)
        return contacts
