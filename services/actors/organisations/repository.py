"""All SQL for organisations and their names, identifiers and contacts: the ORM objects writes change, and the
plain records (organisations/records.py) reads present, each filled by one query per part or, for one
organisation or a page, by two statements built and compiled once and run on the driver."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Select, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.database import table_columns
from services.actors.id_lists import id_list_value, in_bound_ids, in_ids
from services.actors.organisations.models import (
    ContactChannel,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
)
from services.actors.organisations.records import (
    ContactRow,
    IdentifierRow,
    NameRow,
    OrganisationHead,
    OrganisationRecord,
)
from shared.driver_reads import DriverConnection, DriverRead, session_driver
from shared.known_records import get_record
from shared.locks import hold
from shared.pagination import capped_count
from shared.periods import active_on
from shared.problems import NotFound
from shared.repository import Repository
from shared.text_search import like_pattern


def name_on_date(organisation_id: Any, on: Any) -> Any:
    """The name rule of presenter.name_on as SQL, for reads that present rows computed in one statement (the
    representatives): a scalar for the name the organisation (a column) had on the date (a date or a bound
    parameter). services/actors/tests/test_name_on_date.py holds the two to the same answers."""
    names = OrganisationName
    holding = (select(names.name).where(names.organisation_id == organisation_id,
                                        active_on(names.valid_from, names.valid_to, on))
               .order_by(names.position).limit(1).scalar_subquery())
    first_if_before = (select(names.name).where(names.organisation_id == organisation_id, names.position == 0,
                                                names.valid_from > on).scalar_subquery())
    latest = (select(names.name).where(names.organisation_id == organisation_id)
              .order_by(names.position.desc()).limit(1).scalar_subquery())
    return func.coalesce(holding, first_if_before, latest)


# --- organisations as plain records -------------------------------------------------------------------------

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


async def _load_records(session: AsyncSession, heads: Select[Any], *, every: bool = False,
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


def _record_reads(heads: Select[Any]) -> RecordReads:
    selection = heads.with_only_columns(Organisation.__table__.c.id).cte("selection")
    return RecordReads(DriverRead(heads), DriverRead(_parts_of(lambda column: column.in_(select(selection.c.id)))))


async def _read_records(db: DriverConnection, reads: RecordReads, **params: Any,
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


async def _load_record(db: DriverConnection, organisation_id: str) -> OrganisationRecord | None:
    """One organisation with its names, identifiers and contacts: two small statements built and compiled once,
    run on the driver (shared/driver_reads.py), where ORM loading (the object and its three collections) cost
    more than twice the CPU (profile of 2026-12-01, docs/benchmarks.md)."""
    records, _ = await _read_records(db, _ONE, organisation_id=organisation_id)
    return records[0] if records else None


class OrganisationRepository(Repository[Organisation]):
    model = Organisation
    noun = "organisation"

    async def hold_id(self, organisation_id: str) -> None:
        """Holds the id until the transaction ends: a create retried at the same time finds the first one."""
        await hold(self.session, (Organisation.__tablename__, organisation_id))

    async def hold_identifiers(self, identifiers: set[tuple[str, str]]) -> None:
        """Holds (scheme, value) pairs until the transaction ends: one organisation per identifier, even when two
        writers claim one at the same time. Sorted, so two writers of the same pairs take them in one order."""
        table = Organisation.__tablename__
        await hold(self.session, *((table, scheme, value) for scheme, value in sorted(identifiers)))

    async def get(self, organisation_id: str) -> Organisation | None:
        return await get_record(self.session, Organisation, organisation_id)

    async def record_or_404(self, organisation_id: str) -> OrganisationRecord:
        """The organisation as reads present it (rows, not ORM objects: records.py); 404 naming it when missing."""
        record = await self.record(organisation_id)
        if record is None:
            raise NotFound(f"No organisation has id '{organisation_id}'.")
        return record

    async def record(self, organisation_id: str) -> OrganisationRecord | None:
        """The organisation as reads present it, or None."""
        return await _load_record(await session_driver(self.session), organisation_id)

    async def get_many(self, ids: set[str]) -> dict[str, Organisation]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(Organisation).where(in_ids(self.session, Organisation.id, ids)))
        return {o.id: o for o in rows}

    async def heads(self, ids: set[str]) -> list[OrganisationHead]:
        """Id, kind, county and names, what a reference shows (presenter.organisation_refs): two flat queries,
        no ORM objects."""
        if not ids:
            return []
        heads = {h.id: OrganisationHead(*h) for h in (await self.session.execute(
            select(Organisation.id, Organisation.kind, Organisation.county_code)
            .where(in_ids(self.session, Organisation.id, ids)))).all()}
        rows = await self.session.execute(
            select(OrganisationName.organisation_id, OrganisationName.name, OrganisationName.valid_from,
                   OrganisationName.valid_to)
            .where(in_ids(self.session, OrganisationName.organisation_id, ids)).order_by(OrganisationName.position))
        for row in rows.all():
            heads[row.organisation_id].names.append(row)
        return list(heads.values())

    async def every_record(self) -> list[OrganisationRecord]:
        """Every organisation with its names, identifiers and contacts, as plain records (an export)."""
        return await _load_records(self.session, select(*RECORD_COLUMNS).order_by(Organisation.id), every=True)

    async def existing_ids(self, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        query = select(Organisation.id).where(in_ids(self.session, Organisation.id, ids))
        return set((await self.session.scalars(query)).all())

    async def identifier_holder(self, scheme: str, value: str) -> str | None:
        query = select(OrganisationIdentifier.organisation_id).where(
            OrganisationIdentifier.scheme == scheme, OrganisationIdentifier.value == value)
        return await self.session.scalar(query)

    async def identifier_holders(self, scheme: str, values: set[str]) -> dict[str, str]:
        """{value: organisation id} for the values of a scheme that identify an organisation, in one query."""
        if not values:
            return {}
        query = select(OrganisationIdentifier.value, OrganisationIdentifier.organisation_id).where(
            OrganisationIdentifier.scheme == scheme, in_ids(self.session, OrganisationIdentifier.value, values))
        return {value: holder for value, holder in (await self.session.execute(query)).all()}

    async def search(self, *, kind: str | None, county_code: str | None, name: str | None, as_of: date,
                     include_inactive: bool, after: str | None, limit: int, ids: list[str] | None = None,
                     ) -> tuple[list[OrganisationRecord], int]:
        count, page = _search_reads(kind=bool(kind), county=bool(county_code), name=bool(name),
                                    active=not include_inactive, after=after is not None, ids=ids is not None)
        db = await session_driver(self.session)
        params = {"kind": kind, "county_code": county_code, "name": like_pattern(name) if name else None,
                  "as_of": as_of, "after": after, "limit": limit,
                  "ids": id_list_value(ids) if ids is not None else None}
        records, found = await _read_records(db, page, **params)
        if found is None:  # nothing after the cursor: the count on its own
            found = (await count.rows(db, **params))[0].count
        return records, found


@functools.cache
def _search_reads(*, kind: bool, county: bool, name: bool, active: bool, after: bool,
                  ids: bool = False) -> tuple[DriverRead, RecordReads]:
    """The count and the page of an organisation search with the filters given: each combination built and
    compiled once, its values bound at run time."""
    query = select(*RECORD_COLUMNS)
    if ids:  # the ids as one JSON array, one bound value whatever their number
        query = query.where(in_bound_ids(Organisation.id, bindparam("ids", type_=String)))
    if kind:
        query = query.where(Organisation.kind == bindparam("kind"))
    if county:
        query = query.where(Organisation.county_code == bindparam("county_code"))
    if active:
        query = query.where(active_on(Organisation.valid_from, Organisation.valid_to, bindparam("as_of", type_=Date)))
    if name:
        # Any name the organisation has had: "SKL" still finds SKR.
        named = select(OrganisationName.organisation_id).where(OrganisationName.search_name.like(bindparam("name")))
        query = query.where(Organisation.id.in_(named))
    count = capped_count(query)
    if after:
        query = query.where(Organisation.id > bindparam("after"))
    # The count of all matches rides on the page's rows as one more column: one round trip fewer.
    page = query.add_columns(count.scalar_subquery().label("matching"))
    return DriverRead(count), _record_reads(page.order_by(Organisation.id).limit(bindparam("limit", type_=Integer)))
