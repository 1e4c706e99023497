"""Who represents county X in network Y on date D: the registry's most frequent read.

Answered on the lean read path (services.actors.driver_reads): one statement on a driver connection whatever the size of
the register (another per seat only when a seat has contact channels of its own). The answer is a plain dict
shaped exactly like schemas.Representatives: the rows are typed by the query already, and building a model per
seat cost more than running the query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, and_, bindparam, select, true
from sqlalchemy.orm import aliased

from services.actors.changes.counter import registry_version_column
from services.actors.driver_reads import DriverConnection, DriverRead
from services.actors.organisations.models import ContactChannel, Organisation
from services.actors.organisations.repository import name_on_date
from services.actors.people.models import Person
from services.actors.people.presenter import shows_contact_details
from services.actors.posts.models import Membership, Post
from shared.identity import Principal
from shared.periods import active_on
from shared.problems import InvalidInput

ON = bindparam("on", type_=Date)
# Read in the same statement as the answer's data, so the answer is kept under the version it was computed at.
REGISTRY_VERSION = registry_version_column()


def _seats() -> Any:
    """The network (its name on the date, and the registry version) with the posts in it held on behalf of a
    county's organisations on the date, each with its holder: one row per post, or a single row with no post
    when there is none, and no row at all when the network does not exist. Built once: constructing it
    (aliases, correlated subqueries) cost more CPU than running it, so it takes its values as bound parameters.
    """
    network_id = bindparam("network_id")
    network = (select(REGISTRY_VERSION, Organisation.id, Organisation.kind, Organisation.county_code,
                      name_on_date(Organisation.id, ON).label("name"))
               .where(Organisation.id == network_id).cte("network"))
    behalf = aliased(Organisation)
    seat = (
        select(Post.id.label("post_id"), Post.role, Post.label, Post.valid_from, Post.valid_to,
               Post.version.label("post_version"), behalf.id.label("behalf_id"), behalf.kind.label("behalf_kind"),
               behalf.county_code.label("behalf_county"), Membership.id.label("membership_id"),
               Person.id.label("person_id"), Person.given_name, Person.family_name, Person.email, Person.phone)
        .join(behalf, behalf.id == Post.on_behalf_of_id)
        .outerjoin(Membership, and_(Membership.post_id == Post.id,
                                    active_on(Membership.valid_from, Membership.valid_to, ON)))
        .outerjoin(Person, Person.id == Membership.person_id)
        .where(Post.organisation_id == network_id, behalf.county_code == bindparam("county_code"),
               active_on(Post.valid_from, Post.valid_to, ON))
        .subquery("seat")
    )
    # Names and contact flags are looked up for the rows answered only (inside the subquery PostgreSQL
    # computed them for every post of the network and every organisation of the county).
    has_contacts = select(ContactChannel.id).where(ContactChannel.post_id == seat.c.post_id).exists()
    return (select(network.c.registry_version, network.c.kind.label("network_kind"),
                   network.c.county_code.label("network_county"), network.c.name.label("network_name"),
                   *seat.c, name_on_date(seat.c.behalf_id, ON).label("behalf_name"),
                   has_contacts.label("has_contacts"))
            .select_from(network.outerjoin(seat, true()))
            .order_by(seat.c.post_id))


SEATS = DriverRead(_seats())
POST_CONTACTS = DriverRead(
    select(ContactChannel.kind, ContactChannel.value, ContactChannel.label)
    .where(ContactChannel.post_id == bindparam("post_id")).order_by(ContactChannel.id))


def _ref(id_: str, kind: str, name: str | None, county_code: str | None) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "name": name, "county_code": county_code}


async def representatives(db: DriverConnection, caller: Principal, *, county_code: str, network_id: str,
                          on: date) -> tuple[dict[str, Any], int]:
    """The answer, and the registry version it was read at."""
    rows = await SEATS.rows(db, network_id=network_id, county_code=county_code, on=on)
    if not rows:
        raise InvalidInput.field("query.network", "unknown_reference", f"No organisation has id '{network_id}'.")
    first = rows[0]
    network = _ref(network_id, first.network_kind, first.network_name, first.network_county)
    show_contact = shows_contact_details(caller, None)  # each seat's holder, one at a time
    posts = []
    for s in rows:
        if s.post_id is None:  # the network has no such post on the date
            continue
        contacts = ([c._asdict() for c in await POST_CONTACTS.rows(db, post_id=s.post_id)] if s.has_contacts
                    else [])
        posts.append({
            "id": s.post_id, "organisation": network, "role": s.role, "label": s.label,
            "on_behalf_of": _ref(s.behalf_id, s.behalf_kind, s.behalf_name, s.behalf_county),
            "valid_from": s.valid_from, "valid_to": s.valid_to, "active": True, "contacts": contacts,
            "holder": None if s.person_id is None else {
                "id": s.person_id, "name": f"{s.given_name} {s.family_name}",
                "email": s.email if show_contact else None, "phone": s.phone if show_contact else None},
            "holder_membership_id": s.membership_id, "as_of": on, "version": s.post_version,
        })
    return {"county_code": county_code, "network": network, "as_of": on, "posts": posts}, first.registry_version
