"""Recording and reading activities.

The county rule (shared.authorization): a county system records its own county's activities, naming its own
county's RSS (and national networks or bodies, which belong to no county); a national administrator records any
county's, and national ones (no county). The RSS and networks named are read from the actor registry as of the
first day: an id the registry does not know, or one of the wrong kind, is 422 naming the field; the registry
unreachable is 503, nothing stored. Every authenticated reader reads every activity.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.activities.models import Activity
from services.reporting.activities.presenter import activity_fact, activity_out, activity_snapshot
from services.reporting.activities.repository import ActivityRepository
from services.reporting.activities.schemas import ActivityIn, ActivityOut
from services.reporting.audit.service import trail
from services.reporting.composition.activities import ActivityFact
from shared.authorization import require_county_scope
from shared.counties import county_name
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import InvalidInput, NotFound
from shared.records import new_record_id, utcnow
from shared.registry_client import RegistryClient

RSS_KIND = "rss"
NETWORK_KINDS = frozenset({"national_network", "national_body"})


def known_county(county_code: str | None, field: str) -> None:
    """A county code names one of the 21 counties (shared.counties), or it is 422 unknown_reference."""
    if county_code is not None and county_name(county_code) is None:
        raise InvalidInput.field(field, "unknown_reference", f"No county {county_code}.")


class ActivityService:
    def __init__(self, session: AsyncSession, caller: Principal, registry: RegistryClient | None = None) -> None:
        self.caller = caller
        self.repository = ActivityRepository(session)
        self.registry = registry
        self.audit = trail(session, caller)

    async def record(self, data: ActivityIn) -> ActivityOut:
        what = f"an activity of county {data.county_code}" if data.county_code else "a national activity"
        require_county_scope(self.caller, data.county_code, what=what, field="body.county_code")
        known_county(data.county_code, "body.county_code")
        if data.ends_on < data.starts_on:
            raise InvalidInput.field("body.ends_on", "period_order",
                                     f"ends_on ({data.ends_on}) is before starts_on ({data.starts_on}).")
        await self._check_references(data)
        activity = Activity(id=new_record_id("activity"), title=data.title, kind=data.kind.value,
                            starts_on=data.starts_on, ends_on=data.ends_on, county_code=data.county_code,
                            rss_ids=sorted(set(data.rss_ids)), network_ids=sorted(set(data.network_ids)),
                            description=data.description, created_at=utcnow(), created_by=self.caller.subject)
        self.repository.add(activity)
        await self.repository.flush()
        self.audit.record("record", "activity", activity.id, county=activity.county_code,
                          after=activity_snapshot(activity))
        return activity_out(activity)

    async def _check_references(self, data: ActivityIn) -> None:
        wanted = {*data.rss_ids, *data.network_ids}
        if not wanted:
            return
        assert self.registry is not None, "recording an activity reads the registry"
        found = await self.registry.organisations(wanted, data.starts_on, include_inactive=True)
        for field, ids, kinds, kind_text in (("body.rss_ids", data.rss_ids, {RSS_KIND}, "an RSS"),
                                             ("body.network_ids", data.network_ids, NETWORK_KINDS,
                                              "a national network or body")):
            for organisation_id in ids:
                organisation = found.get(organisation_id)
                if organisation is None:
                    raise InvalidInput.field(field, "unknown_reference",
                                             f"The registry has no organisation {organisation_id}.")
                if organisation.kind not in kinds:
                    raise InvalidInput.field(field, "reference_kind",
                                             f"{organisation_id} is not {kind_text} (it is a {organisation.kind}).")
        for rss_id in data.rss_ids:
            require_county_scope(self.caller, data.county_code, what="an activity", field="body.county_code",
                                 references={"body.rss_ids": found[rss_id].county_code})

    async def search(self, *, year: int | None, county: str | None, paging: PageRequest) -> Page[ActivityOut]:
        known_county(county, "query.county")
        after = paging.after_keys(str, str)
        if after is not None:
            try:
                after = [date.fromisoformat(after[0]), after[1]]
            except ValueError:
                raise InvalidInput.field("query.cursor", "cursor_format", "The cursor is not one this API handed "
                                                                          "out; start again without it.") from None
        rows, count = await self.repository.search(year=year, county=county, after=after, limit=paging.limit + 1)
        return paging.page([activity_out(a) for a in rows], count=count,
                           sort_key=lambda a: [a.starts_on.isoformat(), a.id])

    async def read(self, activity_id: str) -> ActivityOut:
        activity = await self.repository.get(activity_id)
        if activity is None:
            raise NotFound(f"No activity {activity_id}.")
        return activity_out(activity)

    async def of_year(self, year: int) -> list[ActivityFact]:
        """The year's activities as the report reads them."""
        return [activity_fact(a) for a in await self.repository.of_year(year)]
