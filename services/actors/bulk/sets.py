"""Checking and storing a whole file of new records as sets, for the tables a county system imports in bulk
(organisations and people).

The rules are the single-record service's own functions (`check_create`, `check_retry`, `check_county`,
`check_identifier`, `new_person`, `new_organisation`), called with the facts they need: those facts are looked
up for the whole file in a few set queries (the stored records among the file's ids, the holders of its
identifiers, the county codes) instead of one query per row, and the rows checked so far count as stored, so a
row sees the rows before it as a POST would. The new records are written table by table in one go (COPY on
PostgreSQL, multi-row INSERTs on SQLite), their audit events in one batch. The import holds its table's family
lock (shared/locks.py) for the whole transaction, so what the lookups found stays true until the rows are written.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.bulk.repository import insert_rows
from services.actors.geography.repository import GeographyRepository
from services.actors.organisations import service as organisations
from services.actors.organisations.models import (
    ContactChannel,
    IdentifierScheme,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
)
from services.actors.organisations.presenter import snapshots
from services.actors.organisations.records import OrganisationRecord
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import OrganisationIn
from services.actors.people import service as people
from services.actors.people.models import Person
from services.actors.people.presenter import audit_snapshot
from services.actors.people.repository import PersonRepository
from services.actors.people.schemas import PersonIn
from shared.audit import AuditTrail
from shared.identity import Principal

LOOKUP_CHUNK = 5000  # ids per set query


def _chunks(keys: set[str]) -> list[set[str]]:
    ordered = sorted(keys)
    return [set(ordered[start:start + LOOKUP_CHUNK]) for start in range(0, len(ordered), LOOKUP_CHUNK)]




class RecordSet(Protocol):
    models: list[type]  # the tables written, for fresh statistics afterwards

    async def load(self, inputs: list[Any]) -> None:
        """Looks up, in set queries, what checking these inputs needs to know."""

    def check(self, data: Any) -> bool:
        """Checks one row by the single-record rules (raising their ProblemError); True when it makes a record."""

    async def write(self) -> None:
        """Stores the records the checked rows make, with their audit events."""


class PeopleSet:
    models = [Person, AuditEvent]

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = PersonRepository(session)
        self.existing: dict[str, Person] = {}
        self.new: list[dict[str, Any]] = []

    async def load(self, inputs: list[PersonIn]) -> None:
        found: set[str] = set()
        for chunk in _chunks({data.id for data in inputs if data.id is not None}):
            found |= await self.repository.existing_ids(chunk)
        for chunk in _chunks(found):
            self.existing.update(await self.repository.get_many(chunk))

    def check(self, data: PersonIn) -> bool:
        people.check_create(self.caller)
        if data.id is not None and (existing := self.existing.get(data.id)) is not None:
            people.check_retry(self.caller, existing, data)
            return False
        self.new.append(people.new_person_values(data, self.caller))
        return True

    async def write(self) -> None:
        await insert_rows(self.session, Person, self.new)
        audit = AuditTrail(self.session, self.caller, AuditEvent)
        await insert_rows(self.session, AuditEvent, audit.rows("create", "person", (
            (values["id"], values["managed_by_county"], audit_snapshot(SimpleNamespace(**values)))
            for values in self.new)))


class OrganisationsSet:
    models = [Organisation, OrganisationName, OrganisationIdentifier, AuditEvent]

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = OrganisationRepository(session)
        self.geography = GeographyRepository(session)
        self.existing: dict[str, Organisation] = {}
        self.holders: dict[tuple[str, str], str] = {}  # (scheme, value) -> organisation id, the file's included
        self.counties: set[str] = set()
        self.municipalities: set[str] = set()
        self.new: list[OrganisationRecord] = []

    async def load(self, inputs: list[OrganisationIn]) -> None:
        found: set[str] = set()
        for chunk in _chunks({data.id for data in inputs if data.id is not None}):
            found |= await self.repository.existing_ids(chunk)
        for chunk in _chunks(found):
            self.existing.update(await self.repository.get_many(chunk))
        for scheme in IdentifierScheme:
            values = {i.value for data in inputs for i in data.identifiers if i.scheme is scheme}
            for chunk in _chunks(values):
                holders = await self.repository.identifier_holders(scheme.value, chunk)
                self.holders.update(((scheme.value, value), holder) for value, holder in holders.items())
        self.counties = await self.geography.county_codes()
        if any(i.scheme is IdentifierScheme.SCB_MUNICIPALITY for data in inputs for i in data.identifiers):
            self.municipalities = await self.geography.municipality_codes()

    def check(self, data: OrganisationIn) -> bool:
        organisations.check_create(self.caller, data)
        if data.id is not None and (existing := self.existing.get(data.id)) is not None:
            organisations.check_retry(self.caller, existing, data)
            return False
        organisations.check_county(data.county_code, known=data.county_code in self.counties,
                                   field="body.county_code")
        for index, identifier in enumerate(data.identifiers):
            organisations.check_identifier(identifier, field=f"body.identifiers.{index}.value",
                                           code_known=self._code_known(identifier.scheme, identifier.value),
                                           holder=self.holders.get((identifier.scheme.value, identifier.value)),
                                           owner=None)
        head, names, contacts = organisations.new_organisation_parts(data)
        identifiers = [{"scheme": i.scheme.value, "value": i.value, "valid_from": None, "valid_to": None}
                       for i in data.identifiers]
        self.holders.update(((i["scheme"], i["value"]), head["id"]) for i in identifiers)
        # As the presenter reads a stored one (version 1 after its first flush), for its audit snapshot.
        self.new.append(OrganisationRecord(**head, version=1, names=[SimpleNamespace(**n) for n in names],
                                           identifiers=[SimpleNamespace(**i) for i in identifiers],
                                           contacts=[SimpleNamespace(**c) for c in contacts]))
        return True

    def _code_known(self, scheme: IdentifierScheme, value: str) -> bool:
        if scheme is IdentifierScheme.SCB_COUNTY:
            return value in self.counties
        if scheme is IdentifierScheme.SCB_MUNICIPALITY:
            return value in self.municipalities
        return True

    async def write(self) -> None:
        heads, parts = [], {"names": [], "identifiers": [], "contacts": []}
        for record in self.new:
            heads.append({"id": record.id, "kind": record.kind, "county_code": record.county_code,
                          "valid_from": record.valid_from, "valid_to": record.valid_to, "note": record.note,
                          "source": record.source})
            for attribute, rows in parts.items():
                rows.extend({**vars(child), "organisation_id": record.id} for child in getattr(record, attribute))
        kept = snapshots(self.new, date.today())  # as organisations.snapshot keeps one, for all at once
        after = [(record.id, record.county_code, state) for record, state in zip(self.new, kept, strict=True)]
        await insert_rows(self.session, Organisation, heads)
        for model, attribute in ((OrganisationName, "names"), (OrganisationIdentifier, "identifiers"),
                                 (ContactChannel, "contacts")):
            await insert_rows(self.session, model, parts[attribute])
        audit = AuditTrail(self.session, self.caller, AuditEvent)
        await insert_rows(self.session, AuditEvent, audit.rows("create", "organisation", after))
