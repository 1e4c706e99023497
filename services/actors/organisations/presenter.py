"""How an organisation reads on a given date: its name then, whether it existed, its identifiers."""

from datetime import date
from typing import Any

from sqlalchemy import func, select

from services.actors.organisations import schemas
from services.actors.organisations.models import Organisation, OrganisationName
from services.actors.organisations.records import OrganisationRecord
from shared.periods import active_on, holds_on

# An ORM object (single records, writes) or a plain record (list pages, exports): the same presentation.
OrganisationLike = Organisation | OrganisationRecord


def name_on(organisation: OrganisationLike, on: date) -> Any:
    """The name that held on the date; before the first name, the first; after the last, the last."""
    names = organisation.names
    if not names:
        return None
    for name in names:
        if holds_on(name.valid_from, name.valid_to, on):
            return name
    first = names[0]
    if first.valid_from is not None and on < first.valid_from:
        return first
    return names[-1]


def name_on_date(organisation_id: Any, on: Any) -> Any:
    """The same rule as name_on, as SQL: a scalar for the name the organisation (a column) had on the date (a
    date or a bound parameter)."""
    names = OrganisationName
    holding = (select(names.name).where(names.organisation_id == organisation_id,
                                        active_on(names.valid_from, names.valid_to, on))
               .order_by(names.position).limit(1).scalar_subquery())
    first_if_before = (select(names.name).where(names.organisation_id == organisation_id, names.position == 0,
                                                names.valid_from > on).scalar_subquery())
    latest = (select(names.name).where(names.organisation_id == organisation_id)
              .order_by(names.position.desc()).limit(1).scalar_subquery())
    return func.coalesce(holding, first_if_before, latest)


def name_on_rows(names: list, on: date) -> str | None:
    """The same rule as name_on, over plain (name, valid_from, valid_to) rows in history order."""
    if not names:
        return None
    for row in names:
        if holds_on(row.valid_from, row.valid_to, on):
            return row.name
    first = names[0]
    if first.valid_from is not None and on < first.valid_from:
        return first.name
    return names[-1].name


def organisation_out(organisation: OrganisationLike, on: date) -> schemas.OrganisationOut:
    name = name_on(organisation, on)
    return schemas.OrganisationOut(
        id=organisation.id, kind=organisation.kind, name=name.name if name else None,
        short_name=name.short_name if name else None, county_code=organisation.county_code,
        valid_from=organisation.valid_from, valid_to=organisation.valid_to,
        active=holds_on(organisation.valid_from, organisation.valid_to, on), as_of=on,
        names=[schemas.NameOut.model_validate(n) for n in organisation.names],
        identifiers=[schemas.IdentifierOut.model_validate(i) for i in organisation.identifiers
                     if holds_on(i.valid_from, i.valid_to, on)],
        contacts=[schemas.ContactIn.model_validate(c) for c in organisation.contacts],
        note=organisation.note, source=organisation.source, version=organisation.version,
    )


def organisation_ref(organisation: OrganisationLike, on: date) -> schemas.OrganisationRef:
    name = name_on(organisation, on)
    return schemas.OrganisationRef(id=organisation.id, kind=organisation.kind, name=name.name if name else None,
                                   county_code=organisation.county_code)
