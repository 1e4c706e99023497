"""Checking and storing a whole file of new records as sets, for the tables a county system imports in bulk
(organisations and people).

The rules are the single-record service's own functions (`check_create`, `check_retry`, `check_county`,
`check_identifier`, `new_person`, `new_organisation`), called with the facts they need: those facts are looked
up for the whole file in a few set queries (the stored records among the file's ids, the holders of its
identifiers, the county codes) instead of one query per row, and the rows checked so far count as stored, so a
row sees the rows before it as a POST would. The records the checked rows make are turned into table rows a batch
at a time (`take_rows`), which bulk/repository.BatchWriter stores table by table (shared/bulk_insert.py: COPY on
PostgreSQL, one executemany on SQLite) while the next batch is checked; their audit events go with them. The
import holds its table's family lock (shared/locks.py) for the whole transaction, so what the lookups found stays
true until the rows are written.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.bulk.repository import TableRows
from services.actors.geography.repository import GeographyRepository
from services.actors.identifiers import normalise_org_number
from services.actors.organisations import service as organisations
from services.actors.organisations.models import (
    ContactChannel,
    IdentifierScheme,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
)
from services.actors.organisations.presenter import new_snapshot
from services.actors.organisations.repository import OrganisationRepository
from services.actors.organisations.schemas import OrganisationIn
from services.actors.people import service as people
from services.actors.people.models import Person
from services.actors.people.presenter import audit_snapshot
from services.actors.people.repository import PersonRepository
from services.actors.people.schemas import PersonIn
from shared.audit import AuditTrail
from shared.identity import Principal
from shared.records import utcnow

LOOKUP_CHUNK = 5000  # ids per set query


def _chunks(keys: set[str]) -> list[set[str]]:
    ordered = sorted(keys)
    return [set(ordered[start:start + LOOKUP_CHUNK]) for start in range(0, len(ordered), LOOKUP_CHUNK)]


def _ids(inputs: list[dict[str, Any]]) -> set[str]:
    return {row_id for data in inputs if isinstance(row_id := data.get("id"), str)}


def _as_validated(scheme: str, value: str) -> str:
    """An identifier's value as IdentifierIn stores it (an organisation number in its one written form)."""
    if scheme == IdentifierScheme.ORG_NUMBER.value:
        try:
            return normalise_org_number(value)
        except ValueError:
            return value
    return value


class RecordSet(Protocol):
    models: list[type]  # the tables written, for fresh statistics afterwards

    async def load(self, inputs: list[dict[str, Any]]) -> None:
        """Looks up, in set queries, what checking these rows needs to know: from the rows as they will be
        validated (the table's input dicts), their keys read as validation reads them, so that the lookups are
        done before the first row is checked. A key that is not valid finds nothing, and its row fails its
        validation anyway; a key missed here is still caught by the table's constraint when written (409)."""

    def check(self, data: Any) -> bool:
        """Checks one row by the single-record rules (raising their ProblemError); True when it makes a record."""

    def take_rows(self) -> TableRows:
        """The table rows (audit events included) of the records the rows checked since the last call make, in
        the order they are to be written."""


class PeopleSet:
    models = [Person, AuditEvent]

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = PersonRepository(session)
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.started = utcnow()  # the time every audit event of the file carries
        self.existing: dict[str, Person] = {}
        self.new: list[dict[str, Any]] = []

    async def load(self, inputs: list[dict[str, Any]]) -> None:
        found: set[str] = set()
        for chunk in _chunks(_ids(inputs)):
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

    def take_rows(self) -> TableRows:
        new, self.new = self.new, []
        return [(Person, new), (AuditEvent, self.audit.rows("create", "person", (
            (values["id"], values["managed_by_county"], audit_snapshot(SimpleNamespace(**values)))
            for values in new), at=self.started))]


class OrganisationsSet:
    models = [Organisation, OrganisationName, OrganisationIdentifier, AuditEvent]

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = OrganisationRepository(session)
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.started = utcnow()  # the time every audit event of the file carries
        self.geography = GeographyRepository(session)
        self.existing: dict[str, Organisation] = {}
        self.holders: dict[tuple[str, str], str] = {}  # (scheme, value) -> organisation id, the file's included
        self.counties: set[str] = set()
        self.municipalities: set[str] = set()
        # The rows of the records checked since the last take_rows, and their audit events (id, county, snapshot).
        self.heads: list[dict[str, Any]] = []
        self.names: list[dict[str, Any]] = []
        self.identifiers: list[dict[str, Any]] = []
        self.contacts: list[dict[str, Any]] = []
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []

    async def load(self, inputs: list[dict[str, Any]]) -> None:
        found: set[str] = set()
        for chunk in _chunks(_ids(inputs)):
            found |= await self.repository.existing_ids(chunk)
        for chunk in _chunks(found):
            self.existing.update(await self.repository.get_many(chunk))
        values: dict[str, set[str]] = {scheme.value: set() for scheme in IdentifierScheme}
        for data in inputs:
            for identifier in data.get("identifiers") or ():
                if not isinstance(identifier, dict):
                    continue
                scheme, value = identifier.get("scheme"), identifier.get("value")
                if scheme in values and isinstance(value, str):
                    values[scheme].add(_as_validated(scheme, value))
        for scheme, listed in values.items():
            for chunk in _chunks(listed):
                holders = await self.repository.identifier_holders(scheme, chunk)
                self.holders.update(((scheme, value), holder) for value, holder in holders.items())
        self.counties = await self.geography.county_codes()
        if values[IdentifierScheme.SCB_MUNICIPALITY.value]:
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
        organisation_id = head["id"]
        identifiers = [{"scheme": i.scheme.value, "value": i.value, "valid_from": None, "valid_to": None,
                        "organisation_id": organisation_id} for i in data.identifiers]
        for identifier in identifiers:
            self.holders[(identifier["scheme"], identifier["value"])] = organisation_id
        self.events.append((organisation_id, head["county_code"],
                            new_snapshot(head, names, identifiers, contacts)))
        for part in (*names, *contacts):
            part["organisation_id"] = organisation_id
        self.heads.append(head)
        self.names += names
        self.identifiers += identifiers
        self.contacts += contacts
        return True

    def _code_known(self, scheme: IdentifierScheme, value: str) -> bool:
        if scheme is IdentifierScheme.SCB_COUNTY:
            return value in self.counties
        if scheme is IdentifierScheme.SCB_MUNICIPALITY:
            return value in self.municipalities
        return True

    def take_rows(self) -> TableRows:
        rows = [(Organisation, self.heads), (OrganisationName, self.names),
                (OrganisationIdentifier, self.identifiers), (ContactChannel, self.contacts),
                (AuditEvent, self.audit.rows("create", "organisation", self.events, at=self.started))]
        self.heads, self.names, self.identifiers, self.contacts, self.events = [], [], [], [], []
        return rows
