"""The SQL of the representatives read, the registry's most frequent: who represents county X in network Y on
date D.

Run on the lean read path (shared.driver_reads): one statement on a driver connection whatever the
size of the register (another per seat only when a seat has contact channels of its own). The rows become the
same PostRecord and Holder the posts list reads, and the posts presenter makes them the same PostOut
(services/actors/tests/test_representatives_paths.py compares the two paths seat by seat). The RSS overview is read
the same way, in six statements whatever the RSS (`overview`): its relations on the date, its contact points
and the posts held on its behalf with their holders, those posts' contact channels, and every organisation the
page names with its names (the RSS itself is read by OrganisationRepository.record).

SeatRepository reads on a driver connection of its own, taken straight from the engine's pool for the length of
one answer (`SeatRepository.connected`): the representatives' route has no session, whose dependency cost more
than the read. StructureRepository reads on the request session's driver connection like every other repository.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, bindparam, or_, select, true, union
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased

from services.actors.changes.repository import VERSION, registry_version_column, version_of
from services.actors.database import table_columns
from services.actors.geography.models import County
from services.actors.organisations.models import ContactChannel, Organisation, OrganisationName
from services.actors.organisations.records import OrganisationHead
from services.actors.organisations.repository import name_on_date
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post, PostRole
from services.actors.posts.repository import POST_COLUMNS, Holder, PostRecord
from services.actors.relations.models import Relation
from services.actors.relations.validity import holds_sql
from shared.driver_reads import DriverConnection, DriverRead, driver_connection
from shared.periods import active_on
from shared.repository import Repository

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
                      name_on_date(Organisation.id, ON).label("name"),
                      select(County.code).where(County.code == bindparam("county_code")).exists()
                      .label("county_known"))
               .where(Organisation.id == network_id).cte("network"))
    behalf = aliased(Organisation)
    seat = (
        select(Post.id.label("post_id"), Post.role, Post.label, Post.valid_from, Post.valid_to,
               Post.version.label("post_version"), Post.source.label("post_source"), behalf.id.label("behalf_id"),
               behalf.kind.label("behalf_kind"),
               behalf.county_code.label("behalf_county"), Membership.id.label("membership_id"),
               Person.id.label("person_id"), Person.given_name, Person.family_name, Person.email, Person.phone,
               Person.managed_by_county)
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
                   network.c.county_known, *seat.c, name_on_date(seat.c.behalf_id, ON).label("behalf_name"),
                   has_contacts.label("has_contacts"))
            .select_from(network.outerjoin(seat, true()))
            .order_by(seat.c.post_id))


SEATS = DriverRead(_seats())
POST_CONTACTS = DriverRead(
    select(ContactChannel.kind, ContactChannel.value, ContactChannel.label)
    .where(ContactChannel.post_id == bindparam("post_id")).order_by(ContactChannel.id))


@dataclass(slots=True)
class Seats:
    """A network's seats held on behalf of one county's organisations on a date, as read on a driver connection:
    each post with its holder, and the organisations they name, each with its name on the date (computed in
    SQL, name_on_date). `network` is None when no organisation has the network's id."""

    network: OrganisationHead | None
    registry_version: int
    county_known: bool = True
    posts: list[tuple[PostRecord, Holder | None]] = field(default_factory=list)
    organisations: dict[str, tuple[OrganisationHead, str | None]] = field(default_factory=dict)


class SeatRepository(Repository[None]):
    """The representatives read and the change counter, on one driver connection of the read's own."""

    noun = "network"

    def __init__(self, db: DriverConnection) -> None:  # no session: see the module's docstring
        self.db = db

    @classmethod
    @asynccontextmanager
    async def connected(cls, engine: AsyncEngine) -> AsyncIterator[SeatRepository]:
        """A repository on a connection straight from the engine's pool, given back when the block ends."""
        async with driver_connection(engine) as db:
            yield cls(db)

    async def rows(self, read: DriverRead, **params: Any) -> list[Any]:
        return await read.rows(self.db, **params)

    async def registry_version(self) -> int:
        return version_of(await self.rows(VERSION))

    async def seats(self, *, county_code: str, network_id: str, on: date) -> Seats:
        rows = await self.rows(SEATS, network_id=network_id, county_code=county_code, on=on)
        if not rows:
            return Seats(None, 0)
        first = rows[0]
        network = OrganisationHead(network_id, first.network_kind, first.network_county)
        found = Seats(network, first.registry_version, bool(first.county_known),
                      organisations={network_id: (network, first.network_name)})
        for s in rows:
            if s.post_id is None:  # the network has no such post on the date
                continue
            behalf = OrganisationHead(s.behalf_id, s.behalf_kind, s.behalf_county)
            found.organisations[s.behalf_id] = (behalf, s.behalf_name)
            contacts = await self.rows(POST_CONTACTS, post_id=s.post_id) if s.has_contacts else []
            post = PostRecord(s.post_id, network_id, s.role, s.label, s.behalf_id, s.valid_from, s.valid_to,
                              s.post_version, s.post_source, list(contacts))
            holder = None if s.person_id is None else Holder(
                s.membership_id, s.person_id, s.given_name, s.family_name, s.email, s.phone, s.managed_by_county)
            found.posts.append((post, holder))
        return found


# --- the RSS overview ---------------------------------------------------------------------------------------

ORGANISATION = bindparam("organisation_id")
RELATION_COLUMNS = table_columns(Relation, "id", "kind", "subject_id", "object_id", "valid_from", "valid_to",
                                 "reported", "evidence", "attested", "source", "joint", "unit_id", "note",
                                 "attested_until", "confirmed_from")
# The relations that hold on the date by the register's rule (relations/validity.py): within their period and known.
RELATIONS_ON = DriverRead(
    select(*RELATION_COLUMNS)
    .where(or_(Relation.subject_id == ORGANISATION, Relation.object_id == ORGANISATION), holds_sql(ON))
    .order_by(Relation.valid_from, Relation.id))

# An RSS's hosts and employers on every date: read for an overview on a date when none holds, to name the nearest.
PLACEMENTS = DriverRead(
    select(*RELATION_COLUMNS)
    .where(Relation.object_id == ORGANISATION,
           or_(Relation.kind == "hosts", Relation.kind == "employer_of"))
    .order_by(Relation.valid_from, Relation.id))

# The organisation's contact points and the posts held on its behalf, on the date, each with its holder then.
_overview_posts = (select(Post.id).where(
    or_(and_(Post.organisation_id == ORGANISATION, Post.role == PostRole.CONTACT_POINT.value),
        Post.on_behalf_of_id == ORGANISATION), active_on(Post.valid_from, Post.valid_to, ON)))
OVERVIEW_POSTS = DriverRead(
    select(*POST_COLUMNS, Membership.id.label("membership_id"), Person.id.label("person_id"), Person.given_name,
           Person.family_name, Person.email, Person.phone, Person.managed_by_county)
    .outerjoin(Membership, and_(Membership.post_id == Post.id,
                                active_on(Membership.valid_from, Membership.valid_to, ON)))
    .outerjoin(Person, Person.id == Membership.person_id)
    .where(Post.id.in_(_overview_posts)).order_by(Post.id))
OVERVIEW_POST_CONTACTS = DriverRead(
    select(*table_columns(ContactChannel, "post_id", "kind", "value", "label"))
    .where(ContactChannel.post_id.in_(_overview_posts)).order_by(ContactChannel.id))

# Every organisation the overview can name: both ends and the unit of its relations, the organisations its posts
# are in and held for, and itself (a few more than the date needs: the date is applied to the rows above).
_named = union(
    select(Relation.subject_id).where(Relation.object_id == ORGANISATION),
    select(Relation.object_id).where(Relation.subject_id == ORGANISATION),
    select(Relation.unit_id).where(or_(Relation.subject_id == ORGANISATION, Relation.object_id == ORGANISATION),
                                   Relation.unit_id.is_not(None)),
    select(Post.organisation_id).where(Post.on_behalf_of_id == ORGANISATION),
    select(Organisation.id).where(Organisation.id == ORGANISATION),
).subquery("named")
NAMED = DriverRead(
    select(Organisation.id, Organisation.kind, Organisation.county_code, OrganisationName.name,
           OrganisationName.valid_from, OrganisationName.valid_to)
    .outerjoin(OrganisationName, OrganisationName.organisation_id == Organisation.id)
    .where(Organisation.id.in_(select(_named.c[0])))
    .order_by(Organisation.id, OrganisationName.position))


@dataclass(slots=True)
class Overview:
    """What an organisation's overview on a date names, as read on a driver connection: its relations then (rows
    of the relations table), its contact points and the posts held on its behalf (each with its holder or None),
    and every organisation these name, by id."""

    relations: list[Any]
    posts: list[tuple[PostRecord, Holder | None]]
    organisations: dict[str, OrganisationHead]


class StructureRepository(Repository[None]):
    """The reads of an organisation's overview, on the request session's driver connection."""

    noun = "organisation"

    async def placements(self, organisation_id: str) -> list[Any]:
        """The organisation's hosts and employers on every date (rows of the relations table)."""
        return await self.rows(PLACEMENTS, organisation_id=organisation_id)

    async def overview(self, organisation_id: str, on: date) -> Overview:
        relations = await self.rows(RELATIONS_ON, organisation_id=organisation_id, on=on)
        posts: dict[str, tuple[PostRecord, Holder | None]] = {}
        for row in await self.rows(OVERVIEW_POSTS, organisation_id=organisation_id, on=on):
            post = PostRecord(row.id, row.organisation_id, row.role, row.label, row.on_behalf_of_id, row.valid_from,
                              row.valid_to, row.version, row.source)
            holder = None if row.person_id is None else Holder(
                row.membership_id, row.person_id, row.given_name, row.family_name, row.email, row.phone,
                row.managed_by_county)
            posts[row.id] = (post, holder)
        if posts:
            for contact in await self.rows(OVERVIEW_POST_CONTACTS, organisation_id=organisation_id, on=on):
                posts[contact.post_id][0].contacts.append(contact)
        heads: dict[str, OrganisationHead] = {}
        for row in await self.rows(NAMED, organisation_id=organisation_id):  # a row per organisation and name
            head = heads.get(row.id) or heads.setdefault(row.id, OrganisationHead(row.id, row.kind, row.county_code))
            if row.name is not None:
                head.names.append(row)
        return Overview(relations, list(posts.values()), heads)
