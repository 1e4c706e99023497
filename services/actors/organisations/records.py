"""Organisations read as plain rows, for answers about many at once (list pages, exports, embedded references).

An OrganisationRecord carries what the presenters read (organisation_out, organisation_ref, name_on), filled by
one query per part (the organisations, their names, identifiers and contact channels) instead of ORM objects,
which cost more than the SQL itself for a page of fifty (docs/benchmarks.md, "Where the figures in the code
went"). An OrganisationHead carries what a reference reads (organisation_ref): id, kind, county and names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.database import table_columns
from services.actors.organisations.models import (
    ContactChannel,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
)


@dataclass(slots=True)
class OrganisationRecord:
    id: str
    kind: str
    county_code: str | None
    valid_from: date | None
    valid_to: date | None
    note: str | None
    source: str | None
    version: int
    names: list[Row[Any]] = field(default_factory=list)
    identifiers: list[Row[Any]] = field(default_factory=list)
    contacts: list[Row[Any]] = field(default_factory=list)


@dataclass(slots=True)
class OrganisationHead:
    id: str
    kind: str
    county_code: str | None
    names: list[Row[Any]] = field(default_factory=list)


RECORD_COLUMNS = table_columns(Organisation, "id", "kind", "county_code", "valid_from", "valid_to", "note",
                               "source", "version")
_PARTS = (
    ("names", OrganisationName,
     select(*table_columns(OrganisationName, "organisation_id", "name", "short_name", "valid_from", "valid_to",
                          "evidence"))
     .order_by(OrganisationName.position, OrganisationName.id)),
    ("identifiers", OrganisationIdentifier,
     select(*table_columns(OrganisationIdentifier, "organisation_id", "scheme", "value", "valid_from", "valid_to"))
     .order_by(OrganisationIdentifier.id)),
    ("contacts", ContactChannel,
     select(*table_columns(ContactChannel, "organisation_id", "kind", "value", "label"))
     .where(ContactChannel.organisation_id.is_not(None)).order_by(ContactChannel.id)),
)


async def load_records(session: AsyncSession, heads: Select[Any], *, every: bool = False,
                       ) -> list[OrganisationRecord]:
    """The organisations `heads` selects (RECORD_COLUMNS, in its order), with their names, identifiers and
    contacts. Each part is read joined to the same selection rather than with a list of ids: an IN list is
    rendered anew on every request (measured at a few ms for a page of fifty). `every`: heads selects every
    organisation, so the parts are read whole."""
    records = [OrganisationRecord(*row) for row in (await session.execute(heads)).all()]
    by_id = {r.id: r for r in records}
    selection = heads.with_only_columns(Organisation.__table__.c.id).subquery("selection")
    for attribute, table, query in _PARTS:
        if not every:
            query = query.join(selection, selection.c.id == table.__table__.c.organisation_id)
        for row in (await session.execute(query)).all():
            if (record := by_id.get(row.organisation_id)) is not None:
                getattr(record, attribute).append(row)
    return records


_ONE_HEAD = select(*RECORD_COLUMNS).where(Organisation.__table__.c.id == bindparam("organisation_id"))
_ONE_PARTS = tuple((attribute, query.where(table.__table__.c.organisation_id == bindparam("organisation_id")))
                   for attribute, table, query in _PARTS)


async def load_record(session: AsyncSession, organisation_id: str) -> OrganisationRecord | None:
    """One organisation with its names, identifiers and contacts, each part read by the organisation's id: four
    small statements built once, where ORM loading (the object and its three collections) cost more than twice
    the CPU (profile of 2026-12-01, docs/benchmarks.md)."""
    parameters = {"organisation_id": organisation_id}
    head = (await session.execute(_ONE_HEAD, parameters)).first()
    if head is None:
        return None
    record = OrganisationRecord(*head)
    for attribute, query in _ONE_PARTS:
        getattr(record, attribute).extend((await session.execute(query, parameters)).all())
    return record
