"""All SQL of responses, their answers, history and review comments.

A save writes a response's answers in one go (shared/bulk_insert.py: one COPY or executemany for its ~70 rows)
after one DELETE of the earlier ones, and its history row beside them; the answers of many responses are read
with one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from services.surveys.responses.models import Answer, Response, ResponseRevision, ReviewComment
from services.surveys.responses.validation import AnswerRow
from shared.bulk_insert import insert_rows
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal

ANSWERS = Answer.__table__
REVISIONS = ResponseRevision.__table__


class ResponseRepository(Repository[Response]):
    model = Response
    noun = "response"

    async def hold(self, round_id: str, respondent_id: str) -> None:
        await hold(self.session, ("responses", round_id, respondent_id))

    async def of_respondent(self, round_id: str, respondent_id: str) -> Response | None:
        return await self.session.scalar(select(Response).where(Response.round_id == round_id,
                                                                Response.respondent_id == respondent_id))

    async def in_round(self, round_id: str, county: str | None, respondent: str | None) -> list[Response]:
        query = select(Response).where(Response.round_id == round_id).order_by(Response.respondent_id).limit(2000)
        if county is not None:
            query = query.where(Response.county_code == county)
        if respondent is not None:
            query = query.where(Response.respondent_id == respondent)
        return list((await self.session.scalars(query)).all())

    async def search(self, round_id: str, *, county: str | None, respondent: str | None, status: str | None,
                     after: str | None, limit: int) -> tuple[Sequence[Response], int]:
        """A page of the round's responses in respondent id order."""
        query = where_equal(select(Response).where(Response.round_id == round_id), (Response.county_code, county),
                            (Response.respondent_id, respondent), (Response.status, status))
        return await keyset_page(self.session, query, Response.respondent_id, after=after, limit=limit)

    async def answers_of(self, response_ids: list[int]) -> dict[int, list[AnswerRow]]:
        """Each response's answer rows, in (link_id, position) order; one query however many responses."""
        found: dict[int, list[AnswerRow]] = defaultdict(list)
        if not response_ids:
            return found
        query = select(ANSWERS.c.response_id, ANSWERS.c.link_id, ANSWERS.c.position, ANSWERS.c.option_code,
                       ANSWERS.c.number_value, ANSWERS.c.text_value, ANSWERS.c.date_value) \
            .where(ANSWERS.c.response_id.in_(response_ids)) \
            .order_by(ANSWERS.c.response_id, ANSWERS.c.link_id, ANSWERS.c.position)
        for row in (await self.session.execute(query)).all():
            found[row[0]].append(AnswerRow(*row[1:]))
        return found

    async def save(self, response: Response, rows: list[AnswerRow], *, revision_answers: dict[str, Any],
                   late: bool, recorded_at: datetime, recorded_by: str) -> None:
        """Stores the response as it now stands (INSERT or UPDATE), its answers in place of the earlier ones,
        and a history row of this revision; all in the request's transaction."""
        new = response.id is None
        if new:
            self.session.add(response)
        await self.session.flush()
        if not new:
            await self.session.execute(delete(ANSWERS).where(ANSWERS.c.response_id == response.id))
        await insert_rows(self.session, ANSWERS, [
            {"response_id": response.id, "link_id": r.link_id, "position": r.position, "option_code": r.option_code,
             "number_value": r.number_value, "text_value": r.text_value, "date_value": r.date_value} for r in rows])
        await self.session.execute(insert(REVISIONS).values(
            response_id=response.id, revision=response.revision, status=response.status, late=late,
            submitted_on=response.submitted_on, answers=revision_answers, recorded_at=recorded_at,
            recorded_by=recorded_by))

    async def add_comment(self, comment: ReviewComment) -> None:
        self.session.add(comment)
        await self.session.flush()

    async def revisions(self, response_id: int) -> list[ResponseRevision]:
        return list((await self.session.scalars(select(ResponseRevision).where(
            ResponseRevision.response_id == response_id).order_by(ResponseRevision.revision))).all())

    async def comment_count(self, response_id: int) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(ReviewComment)
                                             .where(ReviewComment.response_id == response_id)) or 0)

    async def comments(self, response_id: int) -> list[ReviewComment]:
        return list((await self.session.scalars(select(ReviewComment).where(
            ReviewComment.response_id == response_id).order_by(ReviewComment.id))).all())
