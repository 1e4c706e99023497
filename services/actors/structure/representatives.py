"""Who represents county X in network Y on date D: the registry's most frequent read.

Answered on the lean read path (shared.driver_reads): one statement on a driver connection whatever the size of
the register, another only when no seat matched (to tell an unknown network from an empty answer) or when a
seat has contact channels of its own. The answer is a plain dict shaped exactly like schemas.Representatives:
the rows are typed by the query already, and building a model per seat cost more than running the query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, and_, bindparam, select
from sqlalchemy.orm import aliased

from services.actors.organisations.models import ContactChannel, Organisation
from services.actors.organisations.presenter import name_on_date
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.driver_reads import DriverConnection, DriverRead
from shared.identity import Principal
from shared.periods import active_on
from shared.problems import InvalidInput

ON = bindparam("on", type_=Date)


def _seats() -> Any:
    """Posts in an organisation held on behalf of a county's organisations on a date, with their holders.
    Built once: constructing it (aliases, correlated subqueries) cost more CPU than running it."""
    behalf, holder_of = aliased(Organisation), aliased(Organisation)
    has_contacts = select(ContactChannel.id).where(ContactChannel.post_id == Post.id).exists()
    return (
        select(Post.id, Post.role, Post.label, Post.valid_from, Post.valid_to, Post.version,
               has_contacts.label("has_contacts"), holder_of.kind.label("in_kind"),
               holder_of.county_code.label("in_county"), name_on_date(holder_of.id, ON).label("in_name"),
               behalf.id.label("behalf_id"), behalf.kind.label("behalf_kind"),
               behalf.county_code.label("behalf_county"), name_on_date(behalf.id, ON).label("behalf_name"),
               Membership.id.label("membership_id"), Person.id.label("person_id"), Person.given_name,
               Person.family_name, Person.email, Person.phone)
        .join(behalf, behalf.id == Post.on_behalf_of_id)
        .join(holder_of, holder_of.id == Post.organisation_id)
        .outerjoin(Membership, and_(Membership.post_id == Post.id,
                                    active_on(Membership.valid_from, Membership.valid_to, ON)))
        .outerjoin(Person, Person.id == Membership.person_id)
        .where(Post.organisation_id == bindparam("organisation_id"), behalf.county_code == bindparam("county_code"),
               active_on(Post.valid_from, Post.valid_to, ON))
        .order_by(Post.id)
    )


SEATS = DriverRead(_seats())
ORGANISATION = DriverRead(
    select(Organisation.id, Organisation.kind, Organisation.county_code,
           name_on_date(Organisation.id, ON).label("name"))
    .where(Organisation.id == bindparam("organisation_id")))
POST_CONTACTS = DriverRead(
    select(ContactChannel.kind, ContactChannel.value, ContactChannel.label)
    .where(ContactChannel.post_id == bindparam("post_id")).order_by(ContactChannel.id))


def _ref(id_: str, kind: str, name: str | None, county_code: str | None) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "name": name, "county_code": county_code}


async def representatives(db: DriverConnection, caller: Principal, *, county_code: str, network_id: str,
                          on: date) -> dict[str, Any]:
    seats = await SEATS.rows(db, organisation_id=network_id, county_code=county_code, on=on)
    if seats:
        network = _ref(network_id, seats[0].in_kind, seats[0].in_name, seats[0].in_county)
    else:
        found = await ORGANISATION.rows(db, organisation_id=network_id, on=on)
        if not found:
            raise InvalidInput.field("query.network", "unknown_reference", f"No organisation has id '{network_id}'.")
        network = _ref(*found[0])
    show_contact = caller.is_authenticated  # a holder's e-mail and phone are for authenticated callers only
    posts = []
    for s in seats:
        contacts = ([c._asdict() for c in await POST_CONTACTS.rows(db, post_id=s.id)] if s.has_contacts else [])
        posts.append({
            "id": s.id, "organisation": network, "role": s.role, "label": s.label,
            "on_behalf_of": _ref(s.behalf_id, s.behalf_kind, s.behalf_name, s.behalf_county),
            "valid_from": s.valid_from, "valid_to": s.valid_to, "active": True, "contacts": contacts,
            "holder": None if s.person_id is None else {
                "id": s.person_id, "name": f"{s.given_name} {s.family_name}",
                "email": s.email if show_contact else None, "phone": s.phone if show_contact else None},
            "holder_membership_id": s.membership_id, "as_of": on, "version": s.version,
        })
    return {"county_code": county_code, "network": network, "as_of": on, "posts": posts}
