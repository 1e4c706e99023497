"""All SQL for organisations and their names, identifiers and contacts."""

import functools
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, bindparam, func, select

from services.actors.id_lists import id_list_value, in_bound_ids, in_ids
from services.actors.organisations.models import Organisation, OrganisationIdentifier, OrganisationName
from services.actors.organisations.records import (
    RECORD_COLUMNS,
    OrganisationHead,
    OrganisationRecord,
    RecordReads,
    load_record,
    load_records,
    read_records,
    record_reads,
)
from shared.driver_reads import DriverRead, session_driver
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
        record = await load_record(await session_driver(self.session), organisation_id)
        if record is None:
            raise NotFound(f"No organisation has id '{organisation_id}'.")
        return record

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
        return await load_records(self.session, select(*RECORD_COLUMNS).order_by(Organisation.id), every=True)

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
        records, found = await read_records(db, page, **params)
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
    return DriverRead(count), record_reads(page.order_by(Organisation.id).limit(bindparam("limit", type_=Integer)))
