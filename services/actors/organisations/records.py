"""Organisations read as plain rows, for answers about many at once (list pages, exports, embedded references).

An OrganisationRecord carries what the presenters read (organisation_out, organisation_ref, name_on), filled by
one query per part (the organisations, their names, identifiers and contact channels) instead of ORM objects,
which cost more than the SQL itself for a page of fifty (docs/benchmarks.md, "Where the figures in the code
went"). An OrganisationHead carries what a reference reads (organisation_ref): id, kind, county and names.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, String, bindparam, cast, literal, null, select, union_all
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


NameRow = namedtuple("NameRow", "name short_name valid_from valid_to evidence")
IdentifierRow = namedtuple("IdentifierRow", "scheme value valid_from valid_to")
ContactRow = namedtuple("ContactRow", "kind value label")


def _parts_of(chosen: Callable[[Any], Any]) -> Select[Any]:
    """The names, identifiers and contact channels of the organisations `chosen(organisation_id column)` picks,
    in one statement (a UNION ALL tagged by part, in each part's order): one round trip instead of three."""
    n, i, c = (model.__table__.c for model in (OrganisationName, OrganisationIdentifier, ContactChannel))
    no_date, no_text = cast(null(), Date), cast(null(), String)
    parts = union_all(
        select(literal(0).label("part"), n.organisation_id, n.position, n.id, n.name.label("a"),
               n.short_name.label("b"), n.evidence.label("c"), n.valid_from, n.valid_to)
        .where(chosen(n.organisation_id)),
        select(literal(1), i.organisation_id, literal(0), i.id, i.scheme, i.value, no_text, i.valid_from,
               i.valid_to).where(chosen(i.organisation_id)),
        select(literal(2), c.organisation_id, literal(0), c.id, c.kind, c.value, c.label, no_date, no_date)
        .where(chosen(c.organisation_id)),
    ).subquery("parts")
    return select(parts).order_by(parts.c.part, parts.c.position, parts.c.id)


def _add_parts(by_id: dict[str, OrganisationRecord], rows: list[Any]) -> None:
    for row in rows:
        record = by_id[row.organisation_id]
        if row.part == 0:
            record.names.append(NameRow(row.a, row.b, row.valid_from, row.valid_to, row.c))
        elif row.part == 1:
            record.identifiers.append(IdentifierRow(row.a, row.b, row.valid_from, row.valid_to))
        else:
            record.contacts.append(ContactRow(row.a, row.b, row.c))


@dataclass(frozen=True)
class RecordReads:
    """The two statements that read the organisations a SELECT of RECORD_COLUMNS picks, and their names,
    identifiers and contacts for the same selection; built and compiled once per shape of the selection."""

    heads: DriverRead
    parts: DriverRead


def record_reads(heads: Select[Any]) -> RecordReads:
    selection = heads.with_only_columns(Organisation.__table__.c.id).cte("selection")
    return RecordReads(DriverRead(heads), DriverRead(_parts_of(lambda column: column.in_(select(selection.c.id)))))


async def read_records(db: DriverConnection, reads: RecordReads, **params: Any,
                       ) -> tuple[list[OrganisationRecord], int | None]:
    """The organisations `reads` selects with the values given, each with its names, identifiers and contacts;
    and the value of a column the heads' statement adds after RECORD_COLUMNS (a count of all matches), None
    when it selects nothing or adds none."""
    heads = await reads.heads.rows(db, **params)
    width = len(RECORD_COLUMNS)
    records = [OrganisationRecord(*row[:width]) for row in heads]
    if records:
        _add_parts({r.id: r for r in records}, await reads.parts.rows(db, **params))
    extra = heads[0][width] if heads and len(heads[0]) > width else None
    return records, extra


_ONE = RecordReads(
    DriverRead(select(*RECORD_COLUMNS).where(Organisation.__table__.c.id == bindparam("organisation_id"))),
    DriverRead(_parts_of(lambda column: column == bindparam("organisation_id"))))


async def load_record(db: DriverConnection, organisation_id: str) -> OrganisationRecord | None:
    """One organisation with its names, identifiers and contacts: two small statements built and compiled once,
    run on the driver (shared/driver_reads.py), where ORM loading (the object and its three collections) cost
    more than twice the CPU (profile of 2026-12-01, docs/benchmarks.md)."""
    records, _ = await read_records(db, _ONE, organisation_id=organisation_id)
    return records[0] if records else None
