"""How an organisation reads on a given date: its name then, whether it existed, its identifiers."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from services.actors.organisations import schemas
from services.actors.organisations.models import Organisation
from services.actors.organisations.records import OrganisationHead, OrganisationRecord
from shared.periods import holds_on

# An ORM object (single records, writes) or a plain record (list pages, exports): the same presentation.
OrganisationLike = Organisation | OrganisationRecord


def name_on(names: Sequence[Any], on: date) -> Any:
    """Of an organisation's names in history order (OrganisationName objects or rows with `valid_from` and
    `valid_to`), the one that held on the date; before the first name, the first; after the last, the last; None
    when it has none. The rule's SQL form (OrganisationRepository.name_on_date, for the representatives read)
    is held to it by services/actors/tests/test_name_on_date.py."""
    if not names:
        return None
    for name in names:
        if holds_on(name.valid_from, name.valid_to, on):
            return name
    first = names[0]
    if first.valid_from is not None and on < first.valid_from:
        return first
    return names[-1]


_ORGANISATIONS = TypeAdapter(list[schemas.OrganisationOut])


def _on_date(organisation: OrganisationLike, on: date) -> dict[str, Any]:
    """What the answer says on the date; names, identifiers and contacts are read off their rows or objects."""
    name = name_on(organisation.names, on)
    return {
        "id": organisation.id, "kind": organisation.kind, "name": name.name if name else None,
        "short_name": name.short_name if name else None, "county_code": organisation.county_code,
        "valid_from": organisation.valid_from, "valid_to": organisation.valid_to,
        "active": holds_on(organisation.valid_from, organisation.valid_to, on), "as_of": on,
        "names": organisation.names,
        "identifiers": [i for i in organisation.identifiers if holds_on(i.valid_from, i.valid_to, on)],
        "contacts": organisation.contacts, "note": organisation.note, "source": organisation.source,
        "version": organisation.version,
    }


def organisations_out(organisations: Iterable[OrganisationLike], on: date) -> list[schemas.OrganisationOut]:
    """The organisations as they read on the date, checked against OrganisationOut in one validation (made one
    model at a time, with a model per name, identifier and contact, a page of 100 cost several times as much)."""
    return _ORGANISATIONS.validate_python([_on_date(o, on) for o in organisations], from_attributes=True)


def snapshots(organisations: Sequence[OrganisationLike], on: date) -> list[dict[str, Any]]:
    """The organisations as the audit trail keeps them: the answer's JSON (OrganisationOut) without the reading's
    date (`as_of`, `active`), made straight from the records. A validation and a dump per record cost an import of
    10,000 organisations a fifth of its time; services/actors/tests/test_snapshots.py holds these dicts to
    OrganisationOut's own JSON for every shipped organisation on several dates."""
    return [_snapshot(organisation, on) for organisation in organisations]


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _snapshot(organisation: OrganisationLike, on: date) -> dict[str, Any]:
    name = name_on(organisation.names, on)
    return {
        "id": organisation.id, "kind": organisation.kind, "name": name.name if name else None,
        "short_name": name.short_name if name else None, "county_code": organisation.county_code,
        "valid_from": _day(organisation.valid_from), "valid_to": _day(organisation.valid_to),
        "names": [{"name": n.name, "short_name": n.short_name, "valid_from": _day(n.valid_from),
                   "valid_to": _day(n.valid_to), "evidence": n.evidence} for n in organisation.names],
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in organisation.identifiers
                        if holds_on(i.valid_from, i.valid_to, on)],
        "contacts": [{"kind": c.kind, "value": c.value, "label": c.label} for c in organisation.contacts],
        "note": organisation.note, "source": organisation.source, "version": organisation.version,
    }


def new_snapshot(head: dict[str, Any], names: list[dict[str, Any]], identifiers: list[dict[str, Any]],
                 contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """The audit snapshot of an organisation about to be created, from the rows it is written as
    (organisations.service.new_organisation_parts; an import makes thousands): what `snapshots` keeps of it once
    stored (version 1, its one name on any date, every identifier), without making a record of it first. Held to
    `snapshots` by services/actors/tests/test_snapshots.py."""
    name = names[0]
    return {
        "id": head["id"], "kind": head["kind"], "name": name["name"], "short_name": name["short_name"],
        "county_code": head["county_code"], "valid_from": _day(head["valid_from"]),
        "valid_to": _day(head["valid_to"]),
        "names": [{"name": n["name"], "short_name": n["short_name"], "valid_from": _day(n["valid_from"]),
                   "valid_to": _day(n["valid_to"]), "evidence": n["evidence"]} for n in names],
        "identifiers": [{"scheme": i["scheme"], "value": i["value"]} for i in identifiers],
        "contacts": [{"kind": c["kind"], "value": c["value"], "label": c["label"]} for c in contacts],
        "note": head["note"], "source": head["source"], "version": 1,
    }


def organisation_out(organisation: OrganisationLike, on: date) -> schemas.OrganisationOut:
    return organisations_out([organisation], on)[0]


def organisation_ref(organisation: OrganisationLike | OrganisationHead, on: date) -> schemas.OrganisationRef:
    name = name_on(organisation.names, on)
    return named_ref(organisation, name.name if name else None)


def named_ref(organisation: OrganisationLike | OrganisationHead, name: str | None) -> schemas.OrganisationRef:
    """The reference when the name on the date is known already (computed in SQL by name_on_date)."""
    return schemas.OrganisationRef(id=organisation.id, kind=organisation.kind, name=name,
                                   county_code=organisation.county_code)


def organisation_refs(organisations: Iterable[OrganisationLike | OrganisationHead],
                      on: date) -> dict[str, schemas.OrganisationRef]:
    """By id, for embedding in posts, relations and structures (OrganisationRepository.heads reads them)."""
    return {o.id: organisation_ref(o, on) for o in organisations}


def contact_out(contact: Any) -> schemas.ContactOut:
    """An organisation's or a post's contact channel (a ContactChannel, or a row of its kind, value and label)."""
    return schemas.ContactOut.model_validate(contact)
