"""The whole register as of a date, read with a handful of queries whatever its size.

One query per table (organisations, their names, identifiers and contact channels, posts with theirs, relations
and memberships as of the date, and the posts' holders on the date), read by the owning packages' repositories
as plain rows rather than ORM objects: an export of tens of thousands of records then takes a second or two,
not the gateway's whole time limit. The rows are presented by the registry's own presenters (`organisation_out`,
`organisation_refs`, `name_on`, `relation_out`, `post_out`, `membership_out`, `person_brief`), so an export says
exactly what the single-record API says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.bulk.schemas import RegisterExport
from services.actors.bulk.tables import LIST_SEPARATOR, MEMBERSHIPS, NO, ORGANISATIONS, PEOPLE, POSTS, RELATIONS, YES
from services.actors.organisations.models import IdentifierScheme
from services.actors.organisations.presenter import name_on, organisation_out, organisation_refs
from services.actors.organisations.records import OrganisationRecord
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import OrganisationRef
from services.actors.people.presenter import person_brief
from services.actors.people.schemas import PersonBrief
from services.actors.posts.presenter import membership_out, post_out
from services.actors.posts.repository import PostRecord, PostRepository
from services.actors.relations.presenter import attested_of, relation_out
from services.actors.relations.repository import RelationRepository
from shared.identity import Principal
from shared.periods import holds_on

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
        self.organisation_repository = OrganisationRepository(session)
        self.relation_repository = RelationRepository(session)
        self.post_repository = PostRepository(session)
        self.caller = caller
        self.on = on
        self.organisations_by_id: dict[str, OrganisationRecord] = {}
        self.refs: dict[str, OrganisationRef] = {}
        self.posts_by_id: dict[str, PostRecord] = {}
        self.relations: list[Any] = []
        self.memberships: list[Any] = []  # rows of the memberships table, as of the date
        self.holders: dict[str, Any] = {}  # post id -> its holder on the date (posts.repository.Holder's columns)
        self._people: dict[str, PersonBrief] = {}

    async def load(self, *, relations: bool = True, posts: bool = True) -> RegisterSnapshot:
        """Organisations always (every table names them); relations, and posts with memberships, on demand."""
        self.organisations_by_id = {r.id: r for r in await self.organisation_repository.every_record()}
        self.refs = organisation_refs(self.organisations_by_id.values(), self.on)
        if relations:
            self.relations = await self.relation_repository.rows_on(self.on)
        if posts:
            self.posts_by_id = {p.id: p for p in await self.post_repository.every_post()}
            self.memberships = await self.post_repository.memberships_on(self.on)
            self.holders = await self.post_repository.holders_on(None, self.on)
        return self

    # --- records valid on the date, presented once each ---------------------------------------------------

    def organisations(self) -> Iterator[OrganisationRecord]:
        return (o for o in self.organisations_by_id.values() if holds_on(o.valid_from, o.valid_to, self.on))

    def posts(self) -> Iterator[PostRecord]:
        return (p for p in self.posts_by_id.values() if holds_on(p.valid_from, p.valid_to, self.on))

    def _name(self, organisation_id: str | None) -> str | None:
        return self.refs[organisation_id].name if organisation_id else None

    def _person(self, holder: Any) -> PersonBrief:
        """A post's holder on the date, as every answer shows a person: e-mail and phone by the people rule
        (people.presenter.shows_contact_details, on the holder's managing county)."""
        if (brief := self._people.get(holder.id)) is None:
            brief = self._people[holder.id] = person_brief(holder, self.caller)
        return brief

    # --- JSON: the single-record API's models -------------------------------------------------------------

    def as_json(self) -> RegisterExport:
        return RegisterExport(
            as_of=self.on,
            organisations=[organisation_out(o, self.on) for o in self.organisations()],
            relations=[relation_out(r, self.refs, self.on) for r in self.relations],
            posts=[post_out(p, organisations=self.refs, contacts=p.contacts, holder=self.holders.get(p.id),
                            caller=self.caller, on=self.on) for p in self.posts()],
            memberships=[membership_out(m, post=self.posts_by_id[m.post_id],
                                        person=self._person(self.holders[m.post_id]), organisations=self.refs,
                                        on=self.on) for m in self.memberships],
        )

    # --- CSV: the import columns first (so a file re-imports), then readable ones ---------------------------

    def csv_rows(self, table: str) -> Iterator[CsvRow]:
        return {"organisations": self._organisation_rows, "relations": self._relation_rows,
                "posts": self._post_rows, "memberships": self._membership_rows, "people": self._people_rows}[table]()

    def _organisation_rows(self) -> Iterator[CsvRow]:
        for o in self.organisations():
            # `name` is what the organisation was called on the export's date (re-importing it is "unchanged":
            # an import matches any of an organisation's names); `name_on_date` repeats it for older readers.
            first = current = name_on(o.names, self.on)
            org_number = next((i.value for i in o.identifiers if i.scheme == IdentifierScheme.ORG_NUMBER.value
                               and holds_on(i.valid_from, i.valid_to, self.on)), None)
            yield [o.id, o.kind, first.name if first else None, first.short_name if first else None,
                   o.county_code, org_number, o.valid_from, o.valid_to, o.note, o.source,
                   current.name if current else None, current.short_name if current else None]

    def _relation_rows(self) -> Iterator[CsvRow]:
        for r in self.relations:
            # How its dates are known, as RelationOut says it: evidence, the attested years or dates, and in
            # `source` the sources (separated by semicolons, as stored).
            yield [r.id, r.kind, r.subject_id, r.object_id, r.valid_from, r.valid_to, r.reported, r.note, r.source,
                   r.evidence, LIST_SEPARATOR.join(attested_of(r.attested)) or None, YES if r.joint else NO,
                   r.unit_id, self._name(r.subject_id), self._name(r.object_id), self._name(r.unit_id)]

    def _post_rows(self) -> Iterator[CsvRow]:
        for p in self.posts():
            holder = self.holders.get(p.id)
            person = self._person(holder) if holder else None
            yield [p.id, p.organisation_id, p.role, p.label, p.on_behalf_of_id, p.valid_from, p.valid_to,
                   self._name(p.organisation_id), self._name(p.on_behalf_of_id),
                   holder.membership_id if holder else None, person.id if person else None,
                   person.name if person else None, person.email if person else None,
                   person.phone if person else None]

    def _membership_rows(self) -> Iterator[CsvRow]:
        for m in self.memberships:
            post = self.posts_by_id[m.post_id]
            person = self._person(self.holders[m.post_id])
            yield [m.id, m.post_id, m.person_id, m.valid_from, m.valid_to, m.note, person.name, person.email,
                   person.phone, post.organisation_id, self._name(post.organisation_id), post.role,
                   self._name(post.on_behalf_of_id)]

    def _people_rows(self) -> Iterator[CsvRow]:
        """The people holding a post on the date, once each: with memberships.csv, a file set that re-imports.
        E-mail and phone follow the people rule, as in every answer."""
        people = {h.id: h for h in self.holders.values()}
        for person_id in sorted(people):
            holder, brief = people[person_id], self._person(people[person_id])
            yield [person_id, holder.given_name, holder.family_name, brief.email, brief.phone]
