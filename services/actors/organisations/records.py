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
from shared.driver_reads import DriverConnection, DriverRead


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


@dataclass(frozen=True)
class RecordReads:
    """The statements that read the organisations a SELECT of RECORD_COLUMNS picks, with their parts joined to
    the same selection; built and compiled once per shape of the selection (record_reads)."""

    heads: DriverRead
    parts: tuple[tuple[str, DriverRead], ...]


def record_reads(heads: Select[Any]) -> RecordReads:
    selection = heads.with_only_columns(Organisation.__table__.c.id).subquery("selection")
    return RecordReads(DriverRead(heads), tuple(
        (attribute, DriverRead(query.join(selection, selection.c.id == table.__table__.c.organisation_id)))
        for attribute, table, query in _PARTS))


async def read_records(db: DriverConnection, reads: RecordReads, **params: Any) -> list[OrganisationRecord]:
    """The organisations `reads` selects with the values given, each with its names, identifiers and contacts."""
    records = [OrganisationRecord(*row) for row in await reads.heads.rows(db, **params)]
    if records:
        by_id = {r.id: r for r in records}
        for attribute, read in reads.parts:
            for row in await read.rows(db, **params):
                getattr(by_id[row.organisation_id], attribute).append(row)
    return records


_ONE_HEAD = DriverRead(select(*RECORD_COLUMNS).where(Organisation.__table__.c.id == bindparam("organisation_id")))
_ONE_PARTS = tuple(
    (attribute, DriverRead(query.where(table.__table__.c.organisation_id == bindparam("organisation_id"))))
    for attribute, table, query in _PARTS)


async def load_record(db: DriverConnection, organisation_id: str) -> OrganisationRecord | None:
    """One organisation with its names, identifiers and contacts, each part read by the organisation's id: four
    small statements built and compiled once, run on the driver (shared/driver_reads.py), where ORM loading (the
    object and its three collections) cost more than twice the CPU (profile of 2026-12-01, docs/benchmarks.md)."""
    head = await _ONE_HEAD.rows(db, organisation_id=organisation_id)
    if not head:
        return None
    record = OrganisationRecord(*head[0])
    for attribute, read in _ONE_PARTS:
        getattr(record, attribute).extend(await read.rows(db, organisation_id=organisation_id))
    return record
