"""All SQL of rounds and their targets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, extract, func, or_, select

from services.surveys.responses.models import Response
from services.surveys.rounds.models import Round, RoundTarget
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal

SUBMITTED = "submitted"


class RoundRepository(Repository[Round]):
    """Rounds and their targets; the response rates and non-responders join the responses in one statement."""

    model = Round
    noun = "round"

    async def hold_new(self, round_id: str) -> None:
        await hold(self.session, ("rounds", round_id))

    async def add_with_targets(self, round_: Round, targets: list[RoundTarget]) -> None:
        self.session.add(round_)
        await self.session.flush()
        self.session.add_all(targets)
        await self.session.flush()

    async def search(self, *, questionnaire_id: str | None, status: str | None, year: int | None, today: date,
                     after: str | None, limit: int) -> tuple[Sequence[Round], int]:
        """A page of rounds in id order; `status` on `today` (services/surveys/rounds/status.py in SQL); `year`:
        the year the round opened."""
        query = where_equal(select(Round), (Round.questionnaire_id, questionnaire_id))
        closed = or_(Round.closed_at.is_not(None), Round.closes_on < today)
        if status == "closed":
            query = query.where(closed)
        elif status == "open":
            query = query.where(~closed, Round.opens_on <= today)
        elif status == "scheduled":
            query = query.where(~closed, Round.opens_on > today)
        if year is not None:
            query = query.where(extract("year", Round.opens_on) == year)
        return await keyset_page(self.session, query, Round.id, after=after, limit=limit)

    async def targets_page(self, round_id: str, *, county: str | None, organisation: str | None, after: str | None,
                           limit: int) -> tuple[Sequence[RoundTarget], int]:
        """A page of the round's targets in organisation id order."""
        query = where_equal(select(RoundTarget).where(RoundTarget.round_id == round_id),
                            (RoundTarget.county_code, county), (RoundTarget.organisation_id, organisation))
        return await keyset_page(self.session, query, RoundTarget.organisation_id, after=after, limit=limit)

    async def target_count(self, round_id: str) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(RoundTarget).where(RoundTarget.round_id == round_id)) or 0)

    async def target(self, round_id: str, organisation_id: str) -> RoundTarget | None:
        return await self.session.get(RoundTarget, (round_id, organisation_id))

    async def targets(self, round_id: str, county: str | None, organisation: str | None) -> list[RoundTarget]:
        query = select(RoundTarget).where(RoundTarget.round_id == round_id).order_by(RoundTarget.organisation_id)
        if county is not None:
            query = query.where(RoundTarget.county_code == county)
        if organisation is not None:
            query = query.where(RoundTarget.organisation_id == organisation)
        return list((await self.session.scalars(query)).all())

    async def non_responders(self, round_id: str, county: str | None) -> list[RoundTarget]:
        query = (select(RoundTarget).outerjoin(Response, and_(
            Response.round_id == RoundTarget.round_id, Response.respondent_id == RoundTarget.organisation_id,
            Response.status == SUBMITTED)).where(RoundTarget.round_id == round_id, Response.id.is_(None))
            .order_by(RoundTarget.county_code, RoundTarget.organisation_id))
        if county is not None:
            query = query.where(RoundTarget.county_code == county)
        return list((await self.session.scalars(query)).all())

    async def rates(self, round_id: str, county: str | None = None) -> list[tuple[str | None, int, int]]:
        """(county, targets, submitted) per county, counted in the database."""
        query = (select(RoundTarget.county_code, func.count(RoundTarget.organisation_id), func.count(Response.id))
                 .outerjoin(Response, and_(Response.round_id == RoundTarget.round_id,
                                           Response.respondent_id == RoundTarget.organisation_id,
                                           Response.status == SUBMITTED))
                 .where(RoundTarget.round_id == round_id).group_by(RoundTarget.county_code)
                 .order_by(RoundTarget.county_code))
        if county is not None:
            query = query.where(RoundTarget.county_code == county)
        return [(row[0], int(row[1]), int(row[2])) for row in (await self.session.execute(query)).all()]

    async def previous(self, round_: Round) -> Round | None:
        """The round of the same questionnaire that opened last before this one."""
        return await self.session.scalar(
            select(Round).where(Round.questionnaire_id == round_.questionnaire_id, Round.id != round_.id,
                                Round.opens_on < round_.opens_on)
            .order_by(Round.opens_on.desc(), Round.id.desc()).limit(1))
