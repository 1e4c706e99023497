"""All SQL of the aggregates: every count is a GROUP BY in the database over submitted responses, so the
number of queries is the same for 15 respondents as for 290."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.responses.models import Answer, Response

SUBMITTED = "submitted"


class AggregateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _scoped(self, query: Select, round_id: str, county: str | None) -> Select:
        query = query.join(Response, Response.id == Answer.response_id).where(
            Response.round_id == round_id, Response.status == SUBMITTED)
        return query.where(Response.county_code == county) if county is not None else query

    async def submitted(self, round_id: str, county: str | None) -> int:
        query = select(func.count(Response.id)).where(Response.round_id == round_id, Response.status == SUBMITTED)
        if county is not None:
            query = query.where(Response.county_code == county)
        return int(await self.session.scalar(query) or 0)

    async def answered(self, round_id: str, county: str | None) -> dict[str, tuple[int, Decimal | None]]:
        """Per item: how many responses answered it, and the mean of its numbers (None for other types)."""
        query = self._scoped(select(Answer.link_id, func.count(func.distinct(Answer.response_id)),
                                    func.avg(Answer.number_value)), round_id, county).group_by(Answer.link_id)
        return {row[0]: (int(row[1]), None if row[2] is None else Decimal(str(row[2])))
                for row in (await self.session.execute(query)).all()}

    async def option_counts(self, round_id: str, county: str | None) -> dict[tuple[str, str], int]:
        query = self._scoped(select(Answer.link_id, Answer.option_code, func.count(func.distinct(Answer.response_id))),
                             round_id, county).where(Answer.option_code.is_not(None)) \
            .group_by(Answer.link_id, Answer.option_code)
        return {(row[0], row[1]): int(row[2]) for row in (await self.session.execute(query)).all()}

    async def number_counts(self, round_id: str, county: str | None) -> dict[tuple[str, Decimal], int]:
        query = self._scoped(select(Answer.link_id, Answer.number_value, func.count(Answer.id)), round_id, county) \
            .where(Answer.number_value.is_not(None)).group_by(Answer.link_id, Answer.number_value)
        return {(row[0], Decimal(str(row[1])).normalize()): int(row[2])
                for row in (await self.session.execute(query)).all()}

    async def respondents_choosing(self, round_id: str, county: str | None,
                                   link_ids: list[str]) -> dict[str, int]:
        """Per option code: how many responses chose it in any of `link_ids` (a process named for any area)."""
        if not link_ids:
            return {}
        query = self._scoped(select(Answer.option_code, func.count(func.distinct(Answer.response_id))),
                             round_id, county).where(Answer.link_id.in_(link_ids)).group_by(Answer.option_code)
        return {row[0]: int(row[1]) for row in (await self.session.execute(query)).all()}

    async def mean_ranks(self, round_id: str, county: str | None, link_id: str) -> dict[str, tuple[int, Decimal]]:
        query = self._scoped(select(Answer.option_code, func.count(Answer.id), func.avg(Answer.position)),
                             round_id, county).where(Answer.link_id == link_id).group_by(Answer.option_code)
        return {row[0]: (int(row[1]), Decimal(str(row[2]))) for row in (await self.session.execute(query)).all()}
