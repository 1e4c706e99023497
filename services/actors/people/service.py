"""People: minimal personal data, contact details for authenticated callers only, and erasure on request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.people.models import Person
from services.actors.people.presenter import ERASED_NAME, audit_snapshot, person_out
from services.actors.people.schemas import PersonIn, PersonOut, PersonPatch
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.etag import check_if_match
from shared.identity import Principal
from shared.known_records import get_record
from shared.locks import hold
from shared.pagination import Page, PageRequest, count_rows
from shared.problems import Conflict, NotFound
from shared.records import new_record_id, utcnow
from shared.text_search import fold_for_search, like_pattern


class PersonService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)

    async def get_or_404(self, person_id: str) -> Person:
        person = await self.session.get(Person, person_id)
        if person is None:
            raise NotFound(f"No person has id '{person_id}'.")
        return person

    async def read(self, person_id: str) -> PersonOut:
        return person_out(await self.get_or_404(person_id), self.caller)

    async def search(self, *, name: str | None, paging: PageRequest) -> Page[PersonOut]:
        query = select(Person)
        if name:
            query = query.where(Person.search_name.like(like_pattern(name)))
        count = await count_rows(self.session, query)
        if (after := paging.after_key(str)) is not None:
            query = query.where(Person.id > after)
        rows = (await self.session.scalars(query.order_by(Person.id).limit(paging.limit + 1))).all()
        return paging.page([person_out(p, self.caller, in_bulk=True) for p in rows], count=count,
                           sort_key=lambda p: [p.id])

    async def create(self, data: PersonIn) -> tuple[PersonOut, bool]:
        # A person belongs to the county whose system registers them (none: a national administrator's).
        require_county_scope(self.caller, self.caller.county_code, what="a person")
        if data.id is not None:
            # Held until the transaction ends: a create retried at the same time finds the first one.
            await hold(self.session, (Person.__tablename__, data.id))
        if data.id is not None and (existing := await get_record(self.session, Person, data.id)) is not None:
            require_county_scope(self.caller, existing.managed_by_county, what=f"person '{data.id}'",
                                 field="body.id")
            if (existing.given_name, existing.family_name, existing.email) == \
                    (data.given_name, data.family_name, data.email):
                return person_out(existing, self.caller), False
            raise Conflict.field("body.id", "conflict", f"The id '{data.id}' is already used by another person.")
        person = Person(id=data.id or new_record_id("person"), given_name=data.given_name,
                        family_name=data.family_name, email=data.email, phone=data.phone,
                        search_name=fold_for_search(f"{data.given_name} {data.family_name}"),
                        managed_by_county=self.caller.county_code)
        self.session.add(person)
        await self.session.flush()
        self.audit.record("create", "person", person.id, after=audit_snapshot(person),
                          county=person.managed_by_county)
        return person_out(person, self.caller), True

    async def update(self, person_id: str, data: PersonPatch, if_match: str | None) -> PersonOut:
        person = await self._writable(person_id)
        check_if_match(if_match, person.version)
        if person.erased_at is not None:
            raise Conflict(f"Person '{person_id}' has been erased and cannot be changed.")
        before = audit_snapshot(person)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(person, field, value)
        person.search_name = fold_for_search(f"{person.given_name} {person.family_name}")
        person.updated_at = utcnow()
        await self.session.flush()
        self.audit.record("update", "person", person.id, before=before, after=audit_snapshot(person),
                          county=person.managed_by_county)
        return person_out(person, self.caller)

    async def erase(self, person_id: str, if_match: str | None) -> PersonOut:
        """Replaces the identity everywhere, audit trail included; the posts the person held stay in history."""
        person = await self._writable(person_id)
        check_if_match(if_match, person.version)
        if person.erased_at is not None:
            return person_out(person, self.caller)
        person.given_name, person.family_name = ERASED_NAME
        person.email = person.phone = None
        person.search_name = ""
        person.erased_at = person.updated_at = utcnow()
        await self.session.flush()
        redacted = {"id": person.id, "erased": True}
        await self.audit.redact("person", person.id, redacted)
        self.audit.record("erase", "person", person.id, before=None, after=redacted,
                          county=person.managed_by_county)
        return person_out(person, self.caller)

    async def _writable(self, person_id: str) -> Person:
        person = await self.get_or_404(person_id)
        require_county_scope(self.caller, person.managed_by_county, what=f"person '{person_id}'")
        return person
