"""All SQL of responses, their answers, history and review comments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.responses.models import Response, ResponseRevision, ReviewComment
from shared.locks import hold


class ResponseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hold(self, round_id: str, respondent_id: str) -> None:
        await hold(self.session, ("responses", round_id, respondent_id))

    async def get(self, round_id: str, respondent_id: str) -> Response | None:
        return await self.session.scalar(select(Response).where(Response.round_id == round_id,
                                                                Response.respondent_id == respondent_id))

    async def in_round(self, round_id: str, county: str | None, respondent: str | None) -> list[Response]:
        query = select(Response).where(Response.round_id == round_id).order_by(Response.respondent_id).limit(2000)
        if county is not None:
            query = query.where(Response.county_code == county)
        if respondent is not None:
            query = query.where(Response.respondent_id == respondent)
        return list((await self.session.scalars(query)).all())

    async def add(self, *records: object) -> None:
        self.session.add_all(records)
        await self.session.flush()

    async def revisions(self, response_id: int) -> list[ResponseRevision]:
        return list((await self.session.scalars(select(ResponseRevision).where(
            ResponseRevision.response_id == response_id).order_by(ResponseRevision.revision))).all())

    async def comments(self, response_id: int) -> list[ReviewComment]:
        return list((await self.session.scalars(select(ReviewComment).where(
            ReviewComment.response_id == response_id).order_by(ReviewComment.id))).all())
