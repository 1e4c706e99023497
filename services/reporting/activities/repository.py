"""All SQL of activities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select

from services.reporting.activities.models import Activity
from shared.pagination import count_rows
from shared.repository import Repository, where_equal


def _of_year(year: int):  # type: ignore[no-untyped-def]
    """An activity of a year: one that overlaps it."""
    return and_(Activity.starts_on <= date(year, 12, 31), Activity.ends_on >= date(year, 1, 1))


class ActivityRepository(Repository[Activity]):
    model = Activity
    noun = "activity"

    async def search(self, *, year: int | None, county: str | None, after: list | None,
                     limit: int) -> tuple[Sequence[Activity], int]:
        """A page in (start day, id) order after the cursor's (`after`: [start day as a date, id])."""
        query = where_equal(select(Activity), (Activity.county_code, county))
        if year is not None:
            query = query.where(_of_year(year))
        count = await count_rows(self.session, query)
        if after is not None:
            day, last = after
            query = query.where(or_(Activity.starts_on > day, and_(Activity.starts_on == day, Activity.id > last)))
        page = query.order_by(Activity.starts_on, Activity.id).limit(limit)
        return (await self.session.scalars(page)).all(), count

    async def of_year(self, year: int) -> list[Activity]:
        """Every activity of the year, in (start day, id) order."""
        return list((await self.session.scalars(select(Activity).where(_of_year(year))
                                                .order_by(Activity.starts_on, Activity.id))).all())
