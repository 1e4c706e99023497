"""All SQL of the report's versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, or_, select

from services.reporting.reports.models import ReportVersion
from shared.locks import hold
from shared.pagination import count_rows
from shared.repository import Repository, where_equal


class ReportRepository(Repository[ReportVersion]):
    model = ReportVersion
    noun = "report version"

    async def hold_year(self, year: int) -> None:
        """Holds the year's versions to the end of the transaction: one writer reads the latest and adds the
        next at a time (PostgreSQL; on SQLite a writing transaction already runs alone)."""
        await hold(self.session, ("report_versions", year))

    async def latest(self, year: int) -> ReportVersion | None:
        return await self.session.scalar(select(ReportVersion).where(ReportVersion.year == year)
                                         .order_by(ReportVersion.version.desc()).limit(1))

    async def version(self, year: int, version: int) -> ReportVersion | None:
        return await self.session.scalar(select(ReportVersion).where(ReportVersion.year == year,
                                                                     ReportVersion.version == version))

    async def search(self, *, year: int | None, after: list | None,
                     limit: int) -> tuple[Sequence[ReportVersion], int]:
        """A page of versions, the newest first (the latest year first, each year's latest version first);
        `after`: [year, version] of the last one served."""
        versions = ReportVersion
        query = where_equal(select(versions), (versions.year, year))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(or_(versions.year < after[0],
                                    and_(versions.year == after[0], versions.version < after[1])))
        page = query.order_by(versions.year.desc(), versions.version.desc()).limit(limit)
        return (await self.session.scalars(page)).all(), count
