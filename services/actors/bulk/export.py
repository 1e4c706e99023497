"""The whole register as of a date, read with a handful of queries whatever its size.

One query per table (organisations, their names, identifiers and contact channels, posts, relations and
memberships as of the date, the latter joined with their people), read as plain rows rather than ORM objects:
an export of tens of thousands of records then takes a second or two, not the gateway's whole time limit.
The rows are presented by the registry's own presenters (`organisation_out`, `organisation_ref`, `name_on`,
`person_brief`), so an export says exactly what the single-record API says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.bulk.schemas import RegisterExport
from services.actors.bulk.tables import MEMBERSHIPS, ORGANISATIONS, PEOPLE, POSTS, RELATIONS
from services.actors.database import table_columns
from services.actors.organisations.models import (
    ContactChannel,
    IdentifierScheme,
    Organisation,
)
from services.actors.organisations.presenter import name_on, organisation_out, organisation_ref
from services.actors.organisations.records import RECORD_COLUMNS, OrganisationRecord, load_records
from services.actors.organisations.schemas import ContactIn, OrganisationOut, OrganisationRef
from services.actors.people.models import Person
from services.actors.people.presenter import person_brief
from services.actors.people.schemas import PersonBrief
from services.actors.posts.models import Membership, Post
from services.actors.posts.schemas import MembershipOut, PostOut
from services.actors.relations.models import Relation
from services.actors.relations.schemas import RelationOut
from services.actors.relations.service import attested_of, sources_of
from shared.identity import Principal
from shared.periods import active_on, holds_on

CSV_COLUMNS = {
    "organisations": ORGANISATIONS.columns + ORGANISATIONS.export_only,
    "relations": RELATIONS.columns + RELATIONS.export_only,
    "posts": POSTS.columns + POSTS.export_only,
    "memberships": MEMBERSHIPS.columns + MEMBERSHIPS.export_only,
    "people": PEOPLE.columns,
}
CsvRow = list[object]


class RegisterSnapshot:
    """The register on one date; `load` first, then read it as JSON models or as CSV rows."""

    def __init__(self, session: AsyncSession, caller: Principal, on: date) -> None:
        self.session = session
        self.caller = caller
        self.on = on
        self.organisations_by_id: dict[str, OrganisationRecord] = {}
        self.posts_by_id: dict[str, Row[Any]] = {}
        self.post_contacts: dict[str, list[Row[Any]]] = defaultdict(list)
        self.relations: list[Row[Any]] = []
        self.memberships: list[Row[Any]] = []  # membership columns plus the person's, as of the date
        self.holders: dict[str, Row[Any]] = {}
        self._refs: dict[str, OrganisationRef] = {}
        self._people: dict[str, PersonBrief] = {}

    async def _rows(self, query: Any) -> list[Row[Any]]:
        return list((await self.session.execute(query)).all())

    async def load(self, *, relations: bool = True, posts: bool = True) -> RegisterSnapshot:
        """Organisations always (every table names them); relations, and posts with memberships, on demand."""
        await self._load_organisations()
        if relations:
            query = select(Relation.__table__).where(active_on(Relation.valid_from, Relation.valid_to, self.on))
            self.relations = await self._rows(query.order_by(Relation.id))
        if posts:
            self.posts_by_id = {p.id: p for p in await self._rows(select(Post.__table__).order_by(Post.id))}
            contacts = select(*table_columns(ContactChannel, "post_id", "kind", "value", "label")).where(
                ContactChannel.post_id.is_not(None)).order_by(ContactChannel.id)
            for contact in await self._rows(contacts):
                self.post_contacts[contact.post_id].append(contact)
            query = (select(*table_columns(Membership, "id", "post_id", "person_id", "valid_from", "valid_to",
                                            "note", "version"),
                            *table_columns(Person, "given_name", "family_name", "email", "phone",
                                          "managed_by_county"))
                     .join(Person, Person.id == Membership.person_id)
                     .where(active_on(Membership.valid_from, Membership.valid_to, self.on)).order_by(Membership.id))
            self.memberships = await self._rows(query)
            self.holders = {m.post_id: m for m in self.memberships}
        return self

    async def _load_organisations(self) -> None:
        heads = select(*RECORD_COLUMNS).order_by(Organisation.id)
        self.organisations_by_id = {r.id: r for r in await load_records(self.session, heads, every=True)}

    # --- records valid on the date, presented once each ---------------------------------------------------

    def organisations(self) -> Iterator[OrganisationRecord]:
        return (o for o in self.organisations_by_id.values() if holds_on(o.valid_from, o.valid_to, self.on))

    def posts(self) -> Iterator[Row[Any]]:
        return (p for p in self.posts_by_id.values() if holds_on(p.valid_from, p.valid_to, self.on))

    def _ref(self, organisation_id: str | None) -> OrganisationRef | None:
        if organisation_id is None:
            return None
        if (ref := self._refs.get(organisation_id)) is None:
            ref = self._refs[organisation_id] = organisation_ref(
                self.organisations_by_id[organisation_id], self.on)
        return ref

    def _name(self, organisation_id: str | None) -> str | None:
        ref = self._ref(organisation_id)
        return ref.name if ref else None

    def _person(self, membership: Row[Any]) -> PersonBrief:
        """An export is a list of people: their e-mail and phone follow the registry's rule for lists
        (shows_contact_details, in bulk)."""
        if (brief := self._people.get(membership.person_id)) is None:
            person = SimpleNamespace(id=membership.person_id, given_name=membership.given_name,
                                     family_name=membership.family_name, email=membership.email,
                                     phone=membership.phone, managed_by_county=membership.managed_by_county)
            brief = self._people[membership.person_id] = person_brief(person, self.caller,  # type: ignore[arg-type]
                                                                      in_bulk=True)
        return brief

    # --- JSON: the single-record API's models, built from trusted rows without validating them again --------

    def as_json(self) -> RegisterExport:
        return RegisterExport.model_construct(
            as_of=self.on,
            organisations=[self._organisation_out(o) for o in self.organisations()],
            relations=[self._relation_out(r) for r in self.relations],
            posts=[self._post_out(p) for p in self.posts()],
            memberships=[self._membership_out(m) for m in self.memberships],
        )

    def _organisation_out(self, organisation: OrganisationRecord) -> OrganisationOut:
        return organisation_out(organisation, self.on)

    def _relation_out(self, r: Row[Any]) -> RelationOut:
        return RelationOut.model_construct(
            id=r.id, kind=r.kind, subject=self._ref(r.subject_id), object=self._ref(r.object_id),
            valid_from=r.valid_from, valid_to=r.valid_to, active=True, reported=r.reported, evidence=r.evidence,
            attested=attested_of(r.attested), sources=sources_of(r.source), joint=bool(r.joint),
            unit=self._ref(r.unit_id), note=r.note, source=r.source, version=r.version)

    def _post_out(self, post: Row[Any]) -> PostOut:
        holder = self.holders.get(post.id)
        return PostOut.model_construct(
            id=post.id, organisation=self._ref(post.organisation_id), role=post.role, label=post.label,
            on_behalf_of=self._ref(post.on_behalf_of_id), valid_from=post.valid_from, valid_to=post.valid_to,
            active=True, contacts=[ContactIn.model_validate(c) for c in self.post_contacts.get(post.id, ())],
            holder=self._person(holder) if holder else None, holder_membership_id=holder.id if holder else None,
            as_of=self.on, version=post.version)

    def _membership_out(self, m: Row[Any]) -> MembershipOut:
        post = self.posts_by_id[m.post_id]
        return MembershipOut.model_construct(
            id=m.id, post_id=post.id, role=post.role, organisation=self._ref(post.organisation_id),
            on_behalf_of=self._ref(post.on_behalf_of_id), person=self._person(m), valid_from=m.valid_from,
            valid_to=m.valid_to, active=True, note=m.note, version=m.version)

    # --- CSV: the import columns first (so a file re-imports), then readable ones ---------------------------

    def csv_rows(self, table: str) -> Iterator[CsvRow]:
        return {"organisations": self._organisation_rows, "relations": self._relation_rows,
                "posts": self._post_rows, "memberships": self._membership_rows, "people": self._people_rows}[table]()

    def _organisation_rows(self) -> Iterator[CsvRow]:
        for o in self.organisations():
            # `name` is what the organisation was called on the export's date (re-importing it is "unchanged":
            # an import matches any of an organisation's names); `name_on_date` repeats it for older readers.
            first = current = name_on(o, self.on)
            org_number = next((i.value for i in o.identifiers if i.scheme == IdentifierScheme.ORG_NUMBER.value
                               and holds_on(i.valid_from, i.valid_to, self.on)), None)
            yield [o.id, o.kind, first.name if first else None, first.short_name if first else None,
                   o.county_code, org_number, o.valid_from, o.valid_to, o.note, o.source,
                   current.name if current else None, current.short_name if current else None]

    def _relation_rows(self) -> Iterator[CsvRow]:
        for r in self.relations:
            yield [r.id, r.kind, r.subject_id, r.object_id, r.valid_from, r.valid_to, r.reported, r.note, r.source,
                   self._name(r.subject_id), self._name(r.object_id)]

    def _post_rows(self) -> Iterator[CsvRow]:
        for p in self.posts():
            holder = self.holders.get(p.id)
            person = self._person(holder) if holder else None
            yield [p.id, p.organisation_id, p.role, p.label, p.on_behalf_of_id, p.valid_from, p.valid_to,
                   self._name(p.organisation_id), self._name(p.on_behalf_of_id),
                   holder.id if holder else None, person.id if person else None,
                   person.name if person else None, person.email if person else None,
                   person.phone if person else None]

    def _membership_rows(self) -> Iterator[CsvRow]:
        for m in self.memberships:
            post = self.posts_by_id[m.post_id]
            person = self._person(m)
            yield [m.id, m.post_id, m.person_id, m.valid_from, m.valid_to, m.note, person.name, person.email,
                   person.phone, post.organisation_id, self._name(post.organisation_id), post.role,
                   self._name(post.on_behalf_of_id)]

    def _people_rows(self) -> Iterator[CsvRow]:
        """The people holding a post on the date, once each: with memberships.csv, a file set that re-imports.
        E-mail and phone follow the registry's rule for lists of people."""
        people = {m.person_id: m for m in self.memberships}
        for person_id in sorted(people):
            m, brief = people[person_id], self._person(people[person_id])
            yield [person_id, m.given_name, m.family_name, brief.email, brief.phone]
