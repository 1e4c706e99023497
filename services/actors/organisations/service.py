"""Business rules for organisations: who may change them, what a valid one is, and how history is kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.geography.models import County
from services.actors.geography.repository import GeographyRepository
from services.actors.organisations import schemas
from services.actors.organisations.models import (
    ContactChannel,
    IdentifierScheme,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
)
from services.actors.organisations.presenter import name_on, organisation_out, organisations_out, snapshots
from services.actors.organisations.records import OrganisationRecord
from services.actors.organisations.repository import OrganisationRepository
from services.actors.relations.consistency import refuse_outlasting
from services.actors.relations.repository import RelationRepository
from shared.audit import AuditTrail
from shared.authorization import UNCHANGED, require_county_scope
from shared.etag import check_if_match
from shared.identity import Principal
from shared.known_records import require_reference
from shared.pagination import Page, PageRequest
from shared.periods import CloseIn, check_period
from shared.problems import Conflict, InvalidInput
from shared.records import new_record_id, utcnow
from shared.text_search import fold_for_search


def search_text(name: str, short_name: str | None) -> str:
    return fold_for_search(f"{name} {short_name or ''}")


def snapshot(organisation: Organisation | OrganisationRecord) -> dict:
    return snapshots([organisation], date.today())[0]


# The rules of a create, as pure functions of what they need to know: the single-record create and a bulk import
# (services/actors/bulk/sets.py) both call them, so a row of a file is held to exactly what a POST is.
def check_create(caller: Principal, data: schemas.OrganisationIn) -> None:
    require_county_scope(caller, data.county_code, what="an organisation", field="body.county_code")
    check_period(data.valid_from, data.valid_to)


def check_retry(caller: Principal, existing: Organisation, data: schemas.OrganisationIn) -> None:
    """A create naming a stored organisation's id: a retry when the content is the same, otherwise 409."""
    require_county_scope(caller, existing.county_code, what=f"organisation '{data.id}'", field="body.id")
    # Any of its names: an export carries the name on its date, and re-importing it changes nothing.
    if not (existing.kind == data.kind.value and existing.county_code == data.county_code
            and data.name in {n.name for n in existing.names} and existing.valid_from == data.valid_from):
        raise Conflict.field("body.id", "conflict", f"The id '{data.id}' is already used by another organisation.")


def check_county(code: str | None, *, known: bool, field: str) -> None:
    if code is not None and not known:
        raise InvalidInput.field(field, "unknown_reference", f"No county has SCB code {code}.")


def check_identifier(identifier: schemas.IdentifierIn, *, field: str, code_known: bool, holder: str | None,
                     owner: str | None) -> None:
    """`code_known`: an SCB code names a county or municipality (always true of other schemes); `holder`: the
    organisation the identifier already identifies, if any."""
    if not code_known:
        what = "county" if identifier.scheme is IdentifierScheme.SCB_COUNTY else "municipality"
        raise InvalidInput.field(field, "unknown_reference", f"No {what} has SCB code {identifier.value}.")
    if holder is not None and holder != owner:
        raise Conflict.field(field, "conflict", f"{identifier.scheme.value} {identifier.value} already "
                                                f"identifies organisation '{holder}'.")


def new_organisation_parts(data: schemas.OrganisationIn) -> tuple[dict, list[dict], list[dict]]:
    """A new organisation's columns, and its names' and contacts' (a bulk import inserts these as rows)."""
    head = {"id": data.id or new_record_id("org"), "kind": data.kind.value, "county_code": data.county_code,
            "valid_from": data.valid_from, "valid_to": data.valid_to, "note": data.note, "source": data.source}
    names = [{"name": data.name, "short_name": data.short_name, "position": 0, "evidence": None,
              "search_name": search_text(data.name, data.short_name), "valid_from": data.valid_from,
              "valid_to": None}]
    contacts = [{"kind": c.kind.value, "value": c.value, "label": c.label} for c in data.contacts]
    return head, names, contacts


def new_organisation(data: schemas.OrganisationIn, identifiers: list[OrganisationIdentifier]) -> Organisation:
    head, names, contacts = new_organisation_parts(data)
    return Organisation(**head, names=[OrganisationName(**name) for name in names], identifiers=identifiers,
                        contacts=[ContactChannel(**contact) for contact in contacts])

class OrganisationService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = OrganisationRepository(session)
        self.geography = GeographyRepository(session)
        self.audit = AuditTrail(session, caller, AuditEvent)

    async def get_or_404(self, organisation_id: str) -> Organisation:
        return await self.repository.get_or_404(organisation_id)

    async def read(self, organisation_id: str, as_of: date) -> schemas.OrganisationOut:
        return organisation_out(await self.repository.record_or_404(organisation_id), as_of)

    async def search(self, *, kind: str | None, county_code: str | None, name: str | None, as_of: date,
                     include_inactive: bool, paging: PageRequest,
                     ids: list[str] | None = None) -> Page[schemas.OrganisationOut]:
        await require_reference(self.session, County, county_code, field="query.county", what="county")
        after = paging.after_key(str)
        rows, count = await self.repository.search(kind=kind, county_code=county_code, name=name, as_of=as_of,
                                                   include_inactive=include_inactive, after=after,
                                                   limit=paging.limit + 1, ids=ids)
        return paging.page(organisations_out(rows, as_of), count=count, sort_key=lambda o: [o.id])

    async def create(self, data: schemas.OrganisationIn) -> tuple[schemas.OrganisationOut, bool]:
        """(organisation, created); a retried create with the same id and content returns the first one."""
        check_create(self.caller, data)
        if data.id is not None:
            await self.repository.hold_id(data.id)
        if data.id is not None and (existing := await self.repository.get(data.id)) is not None:
            check_retry(self.caller, existing, data)
            return organisation_out(existing, date.today()), False
        await self._check_county(data.county_code, "body.county_code")
        organisation = new_organisation(data, await self._checked_identifiers(data.identifiers, owner=None))
        self.session.add(organisation)
        await self.session.flush()
        self.audit.record("create", "organisation", organisation.id, after=snapshot(organisation),
                          county=organisation.county_code)
        return organisation_out(organisation, date.today()), True

    async def update(self, organisation_id: str, data: schemas.OrganisationPatch,
                     if_match: str | None) -> schemas.OrganisationOut:
        organisation = await self.get_or_404(organisation_id)
        changes = data.model_dump(exclude_unset=True)
        moving = "county_code" in changes
        require_county_scope(self.caller, organisation.county_code, what=f"organisation '{organisation_id}'",
                             field="body.county_code" if moving else None,
                             new_owner=changes["county_code"] if moving else UNCHANGED)
        check_if_match(if_match, organisation.version)
        before = snapshot(organisation)
        if "county_code" in changes:
            await self._check_county(data.county_code, "body.county_code")
            organisation.county_code = data.county_code
        if data.kind is not None:
            organisation.kind = data.kind.value
        if "valid_from" in changes:
            check_period(data.valid_from, organisation.valid_to)
            organisation.valid_from = data.valid_from
        for field in ("note", "source"):
            if field in changes:
                setattr(organisation, field, changes[field])
        if data.identifiers is not None:
            organisation.identifiers = await self._checked_identifiers(data.identifiers, owner=organisation.id)
        if data.contacts is not None:
            organisation.contacts = [ContactChannel(kind=c.kind.value, value=c.value, label=c.label)
                                     for c in data.contacts]
        await self._save(organisation, "update", before)
        return organisation_out(organisation, date.today())

    async def rename(self, organisation_id: str, data: schemas.RenameIn,
                     if_match: str | None) -> schemas.OrganisationOut:
        organisation = await self.get_or_404(organisation_id)
        require_county_scope(self.caller, organisation.county_code, what=f"organisation '{organisation_id}'")
        check_if_match(if_match, organisation.version)
        before = snapshot(organisation)
        current = organisation.names[-1] if organisation.names else None
        if current is not None:
            if current.valid_from is not None and data.valid_from <= current.valid_from:
                raise InvalidInput.field("body.valid_from", "after_current_name",
                                         f"A new name must start after the current one ({current.name}, "
                                         f"from {current.valid_from}).")
            if current.valid_to is not None and current.valid_to < data.valid_from:
                raise InvalidInput.field("body.valid_from", "gap_in_names",
                                         f"The current name ended on {current.valid_to}; a new name must "
                                         "start then or earlier so the history has no gap.")
            current.valid_to = data.valid_from
        organisation.names.append(OrganisationName(
            name=data.name, short_name=data.short_name, valid_from=data.valid_from,
            position=len(organisation.names), search_name=search_text(data.name, data.short_name)))
        await self._save(organisation, "rename", before)
        return organisation_out(organisation, data.valid_from)

    async def close(self, organisation_id: str, data: CloseIn,
                    if_match: str | None) -> schemas.OrganisationOut:
        # Before reading its relations: a relation being created for it (or an import of relations) ends first,
        # or waits for the close and then reads the period it leaves.
        await RelationRepository(self.session).hold_ends(organisation_id)
        organisation = await self.get_or_404(organisation_id)
        require_county_scope(self.caller, organisation.county_code, what=f"organisation '{organisation_id}'")
        check_if_match(if_match, organisation.version)
        if organisation.valid_to is not None:
            raise Conflict(f"Organisation '{organisation_id}' was already closed on {organisation.valid_to}.")
        check_period(organisation.valid_from, data.valid_to)
        refuse_outlasting(organisation_id, data.valid_to,
                          await RelationRepository(self.session).outlasting(organisation_id, data.valid_to))
        before = snapshot(organisation)
        organisation.valid_to = data.valid_to
        if data.note:
            organisation.note = data.note
        current = name_on(organisation.names, data.valid_to)
        if current is not None and current.valid_to is None:
            current.valid_to = data.valid_to
        await self._save(organisation, "close", before)
        return organisation_out(organisation, data.valid_to)

    async def _save(self, organisation: Organisation, action: str, before: dict) -> None:
        # Touching the row makes the mapper bump `version` even when only names or identifiers changed.
        organisation.updated_at = utcnow()
        self.session.add(organisation)
        await self.session.flush()
        await self.session.refresh(organisation)
        self.audit.record(action, "organisation", organisation.id, before=before, after=snapshot(organisation),
                          county=organisation.county_code)

    async def _check_county(self, code: str | None, field: str) -> None:
        check_county(code, known=code is None or await self.geography.county_exists(code), field=field)

    async def _checked_identifiers(self, identifiers: list[schemas.IdentifierIn],
                                   owner: str | None) -> list[OrganisationIdentifier]:
        await self.repository.hold_identifiers({(i.scheme.value, i.value) for i in identifiers})
        out = []
        kept = {(i.scheme, i.value): i for i in (await self.get_or_404(owner)).identifiers} if owner else {}
        for index, identifier in enumerate(identifiers):
            if identifier.scheme is IdentifierScheme.SCB_COUNTY:
                code_known = await self.geography.county_exists(identifier.value)
            elif identifier.scheme is IdentifierScheme.SCB_MUNICIPALITY:
                code_known = await self.geography.municipality(identifier.value) is not None
            else:
                code_known = True
            check_identifier(identifier, field=f"body.identifiers.{index}.value", code_known=code_known,
                             holder=await self.repository.identifier_holder(identifier.scheme.value,
                                                                            identifier.value), owner=owner)
            key = (identifier.scheme.value, identifier.value)
            out.append(kept.get(key) or OrganisationIdentifier(scheme=key[0], value=key[1]))
        return out
