"""All SQL of the aggregates: every count is a GROUP BY in the database over submitted responses, so the
number of queries is the same for 15 respondents as for 290. A round and the previous round it is compared
with are counted by the same statements (grouped by round), one round trip for both."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Select, func, select

from services.surveys.responses.models import Answer, Response
from shared.repository import Repository

SUBMITTED = "submitted"


class AggregateRepository(Repository[Response]):
    """Counts over submitted responses and their answers (read-only)."""

    model = Response
    noun = "response"

    def _scoped(self, query: Select, round_ids: Sequence[str], county: str | None) -> Select:
        query = query.join(Response, Response.id == Answer.response_id).where(
            Response.round_id.in_(round_ids), Response.status == SUBMITTED)
        return query.where(Response.county_code == county) if county is not None else query

    async def submitted(self, round_ids: Sequence[str], county: str | None) -> dict[str, int]:
        """Per round: how many responses are submitted (0 for a round without any)."""
        query = select(Response.round_id, func.count(Response.id)).where(
            Response.round_id.in_(round_ids), Response.status == SUBMITTED).group_by(Response.round_id)
        if county is not None:
            query = query.where(Response.county_code == county)
        found = dict.fromkeys(round_ids, 0)
        found.update({row[0]: int(row[1]) for row in (await self.session.execute(query)).all()})
        return found

    async def submitted_by_county(self, round_ids: Sequence[str]) -> dict[str, dict[str | None, int]]:
        """Per round and county (None: respondents without one): how many responses are submitted."""
        query = select(Response.round_id, Response.county_code, func.count(Response.id)).where(
            Response.round_id.in_(round_ids), Response.status == SUBMITTED).group_by(Response.round_id,
                                                                                     Response.county_code)
        found: dict[str, dict[str | None, int]] = {r: {} for r in round_ids}
        for row in (await self.session.execute(query)).all():
            found[row[0]][row[1]] = int(row[2])
        return found

    async def answered(self, round_ids: Sequence[str], county: str | None,
                       ) -> dict[str, dict[str, tuple[int, Decimal | None]]]:
        """Per round and item: how many responses answered it, and the mean of its numbers (None for other
        types)."""
        query = self._scoped(select(Response.round_id, Answer.link_id, func.count(func.distinct(Answer.response_id)),
                                    func.avg(Answer.number_value)), round_ids, county) \
            .group_by(Response.round_id, Answer.link_id)
        found: dict[str, dict[str, tuple[int, Decimal | None]]] = {r: {} for r in round_ids}
        for row in (await self.session.execute(query)).all():
            found[row[0]][row[1]] = (int(row[2]), None if row[3] is None else Decimal(str(row[3])))
        return found

    async def option_counts(self, round_ids: Sequence[str], county: str | None,
                            ) -> dict[str, dict[tuple[str, str], int]]:
        """Per round, item and option: how many responses chose it."""
        query = self._scoped(select(Response.round_id, Answer.link_id, Answer.option_code,
                                    func.count(func.distinct(Answer.response_id))), round_ids, county) \
            .where(Answer.option_code.is_not(None)).group_by(Response.round_id, Answer.link_id, Answer.option_code)
        found: dict[str, dict[tuple[str, str], int]] = {r: {} for r in round_ids}
        for row in (await self.session.execute(query)).all():
            found[row[0]][(row[1], row[2])] = int(row[3])
        return found

    async def number_counts(self, round_ids: Sequence[str], county: str | None,
                            ) -> dict[str, dict[tuple[str, Decimal], int]]:
        """Per round, item and number: how many answers gave it."""
        query = self._scoped(select(Response.round_id, Answer.link_id, Answer.number_value, func.count(Answer.id)),
                             round_ids, county) \
            .where(Answer.number_value.is_not(None)) \
            .group_by(Response.round_id, Answer.link_id, Answer.number_value)
        found: dict[str, dict[tuple[str, Decimal], int]] = {r: {} for r in round_ids}
        for row in (await self.session.execute(query)).all():
            found[row[0]][(row[1], Decimal(str(row[2])).normalize())] = int(row[3])
        return found

    async def respondents_choosing(self, round_ids: Sequence[str], county: str | None,
                                   link_ids: list[str]) -> dict[str, dict[str, int]]:
        """Per round and option code: how many responses chose it in any of `link_ids` (a process named for any
        area)."""
        found: dict[str, dict[str, int]] = {r: {} for r in round_ids}
        if not link_ids:
            return found
        query = self._scoped(select(Response.round_id, Answer.option_code,
                                    func.count(func.distinct(Answer.response_id))), round_ids, county) \
            .where(Answer.link_id.in_(link_ids)).group_by(Response.round_id, Answer.option_code)
        for row in (await self.session.execute(query)).all():
            found[row[0]][row[1]] = int(row[2])
        return found

    async def mean_ranks(self, round_id: str, county: str | None, link_id: str) -> dict[str, tuple[int, Decimal]]:
        query = self._scoped(select(Answer.option_code, func.count(Answer.id), func.avg(Answer.position)),
                             [round_id], county).where(Answer.link_id == link_id).group_by(Answer.option_code)
        return {row[0]: (int(row[1]), Decimal(str(row[2]))) for row in (await self.session.execute(query)).all()}
