"""People: minimal personal data, contact details for those who keep the register (the presenter's rule), and
erasure on request."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.people.models import Person
from services.actors.people.presenter import ERASED_NAME, audit_snapshot, person_out
from services.actors.people.repository import PersonRepository
from services.actors.people.schemas import PersonIn, PersonOut, PersonPatch
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.etag import check_if_match
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict
from shared.records import new_record_id, utcnow
from shared.text_search import fold_for_search


# The rules of a create, as pure functions of what they need to know: the single-record create and a bulk import
# (services/actors/bulk/sets.py) both call them, so a row of a file is held to exactly what a POST is.
def check_create(caller: Principal) -> None:
    # A person belongs to the county whose system registers them (none: a national administrator's).
    require_county_scope(caller, caller.county_code, what="a person")


def check_retry(caller: Principal, existing: Person, data: PersonIn) -> None:
    """A create naming a stored person's id: a retry when the content is the same, otherwise 409."""
    require_county_scope(caller, existing.managed_by_county, what=f"person '{data.id}'", field="body.id")
    if (existing.given_name, existing.family_name, existing.email) != (data.given_name, data.family_name, data.email):
        raise Conflict.field("body.id", "conflict", f"The id '{data.id}' is already used by another person.")


def new_person_values(data: PersonIn, caller: Principal) -> dict:
    """A new person's columns (a bulk import inserts these as rows)."""
    return {"id": data.id or new_record_id("person"), "given_name": data.given_name,
            "family_name": data.family_name, "email": data.email, "phone": data.phone,
            "search_name": fold_for_search(f"{data.given_name} {data.family_name}"),
            "managed_by_county": caller.county_code}

class PersonService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = PersonRepository(session)

    async def get_or_404(self, person_id: str) -> Person:
        return await self.repository.get_or_404(person_id)

    async def read(self, person_id: str) -> PersonOut:
        return person_out(await self.get_or_404(person_id), self.caller)

    async def search(self, *, name: str | None, paging: PageRequest) -> Page[PersonOut]:
        rows, count = await self.repository.search(name=name, after=paging.after_key(str), limit=paging.limit + 1)
        return paging.page([person_out(p, self.caller) for p in rows], count=count,
                           sort_key=lambda p: [p.id])

    async def create(self, data: PersonIn) -> tuple[PersonOut, bool]:
        check_create(self.caller)
        if data.id is not None:
            await self.repository.hold_id(data.id)
        if data.id is not None and (existing := await self.repository.get(data.id)) is not None:
            check_retry(self.caller, existing, data)
            return person_out(existing, self.caller), False
        person = Person(**new_person_values(data, self.caller))
        self.repository.add(person)
        await self.repository.flush()
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
