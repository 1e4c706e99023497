"""All SQL of reporting years and the counts their compilation needs beyond the aggregates' (one statement over
the responses and their answers)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from services.surveys.reports.models import ReportingYear
from services.surveys.responses.models import Answer, Response
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository

SUBMITTED = "submitted"


class ReportingYearRepository(Repository[ReportingYear]):
    model = ReportingYear
    noun = "reporting year"

    async def hold(self, year: int) -> None:
        await hold(self.session, ("reporting_years", str(year)))

    async def search(self, *, after: int | None, limit: int) -> tuple[Sequence[ReportingYear], int]:
        """A page of reporting years, the latest first (keyed by the year's negative)."""
        return await keyset_page(self.session, select(ReportingYear), -ReportingYear.year, after=after, limit=limit)

    async def all(self) -> list[ReportingYear]:
        return list((await self.session.scalars(select(ReportingYear).order_by(ReportingYear.year.desc())
                                                .limit(200))).all())

    async def choosing_all(self, round_id: str, link_id: str, codes: list[str]) -> int:
        """How many submitted responses chose every one of `codes` for `link_id` (signed for both principals)."""
        chose = (select(Answer.response_id).join(Response, Response.id == Answer.response_id)
                 .where(Response.round_id == round_id, Response.status == SUBMITTED, Answer.link_id == link_id,
                        Answer.option_code.in_(codes))
                 .group_by(Answer.response_id)
                 .having(func.count(func.distinct(Answer.option_code)) == len(codes)).subquery())
        return int(await self.session.scalar(select(func.count()).select_from(chose)) or 0)
