"""Responses' rules: one per respondent organisation and round; a draft is saved and resumed; a submission and
every later amendment is checked in full against the round's questionnaire version; nothing is answered before
a round opens, and after it closes only a national administrator answers, flagged late. Every save is kept in
the response's history; a county system (or a national administrator) reviews its county's responses.

A submission has two times: when it took effect (`submitted_on`, a Swedish day) and when it was recorded here
(`submitted_at`, and each revision's `recorded_at`: always the moment it was stored). The effective day is today
unless a national administrator gives another one, as when a county's report sent years ago is brought in: never
before the round opened and never in the future. A county or respondent key submits on the day it submits; it
may name today, never another day, since the effective day decides whether a report was on time. Whether the
submission is late (took effect after the round closed) is read from the effective day when one is given."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.audit.models import AuditEvent
from services.surveys.identifiers import county_named_by
from services.surveys.moments import swedish_day, swedish_today
from services.surveys.permissions import may_read, read_scope, require_answering
from services.surveys.questionnaires.schemas import Item
from services.surveys.responses.models import Response, ReviewComment
from services.surveys.responses.presenter import (
    audit_entity,
    audit_snapshot,
    comment_out,
    etag_of,
    history_out,
    response_etag,
    response_out,
)
from services.surveys.responses.repository import ResponseRepository
from services.surveys.responses.schemas import (
    CommentOut,
    HistoryOut,
    ResponseIn,
    ResponseOut,
    ResponseUpdate,
    ReviewIn,
    ReviewState,
)
from services.surveys.responses.validation import answers_from_rows, check_answers
from services.surveys.rounds.models import Round
from services.surveys.rounds.service import RoundService
from services.surveys.rounds.status import round_status
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.etag import check_if_match_tag
from shared.identity import Principal, Role
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from shared.records import utcnow

DRAFT, SUBMITTED = "draft", "submitted"


__all__ = ["ResponseService", "etag_of"]  # etag_of: the ETag of an answer, set by the routes


class ResponseService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = ResponseRepository(session)
        self.rounds = RoundService(session, caller)

    async def create(self, round_id: str, data: ResponseIn) -> ResponseOut:
        round_ = await self.rounds.get(round_id)
        target = await self.rounds.target(round_id, data.respondent_id)
        county = target.county_code if target else county_named_by(data.respondent_id)
        require_answering(self.caller, data.respondent_id, county, "body.respondent_id")
        if target is None:
            raise InvalidInput.field("body.respondent_id", "target_of_round",
                                     f"Round {round_id} was not sent to {data.respondent_id}.")
        await self.repository.hold(round_id, data.respondent_id)
        if await self.repository.of_respondent(round_id, data.respondent_id) is not None:
            raise Conflict.field("body.respondent_id", "one_response_per_respondent",
                                 f"{data.respondent_id} has already answered round {round_id}; change that response "
                                 "(PUT) instead of sending a second one.")
        response = Response(round_id=round_id, respondent_id=data.respondent_id, county_code=county, status=DRAFT,
                            revision=0, late=False)
        return await self._save(round_, response, data.answers, data.submit, data.submitted_on)

    async def update(self, round_id: str, respondent_id: str, data: ResponseUpdate,
                     if_match: str | None) -> ResponseOut:
        """`if_match`: the ETag of the response as the caller read it (428 without, 412 when it has changed)."""
        round_ = await self.rounds.get(round_id)
        await self.repository.hold(round_id, respondent_id)
        response = await self._get(round_id, respondent_id)
        require_answering(self.caller, respondent_id, response.county_code, "path.respondent_id")
        reviews = await self.repository.comment_count(response.id)
        check_if_match_tag(if_match, response_etag(response.revision, reviews),
                           f"revision {response.revision} after {reviews} review(s)")
        return await self._save(round_, response, data.answers, data.submit, data.submitted_on)

    async def _save(self, round_: Round, response: Response, answers: dict, submit: bool,
                    submitted_on: date | None) -> ResponseOut:
        """Checks the answers once against the version (read once) and stores the response, its answers and the
        history row; a new response is inserted only here, in its final state."""
        today = swedish_today()
        submitting = submit or response.status == SUBMITTED
        if submitted_on is not None:
            self._check_effective_day(round_, submitted_on, today, submitting)
        status = round_status(round_)
        if status == "scheduled" or (status == "closed" and self.caller.role is not Role.NATIONAL_ADMIN):
            raise Conflict.field("round", "round_open", f"Round {round_.id} is {status} ({round_.opens_on} to "
                                 f"{round_.closes_on}): answers are taken while it is open; after it closes only "
                                 "a national administrator records a late answer.")
        # Late: taken effect after the round closed. A given day is compared with the round's last day; a save
        # without one takes effect now, after the round was closed or not.
        late = status == "closed" if submitted_on is None else submitted_on > _last_day(round_)
        items = await self._items(round_)
        rows = check_answers(items, answers, complete=submitting)
        shown = answers_from_rows(items, rows)
        now = utcnow()
        new = response.id is None
        before = None if new else audit_snapshot(response)
        action = "amend" if response.status == SUBMITTED else "submit" if submitting else "draft"
        if submitting:
            response.review_state = ReviewState.RECEIVED.value
            response.submitted_at = response.submitted_at or now
            response.submitted_on = submitted_on or response.submitted_on or today
            # A day given anew restates when the submission took effect; otherwise a late change stays late.
            response.late = late if submitted_on is not None else (response.late or late)
            response.status = SUBMITTED
        response.revision += 1
        response.updated_at = now
        await self.repository.save(response, rows, revision_answers=shown, late=late, recorded_at=now,
                                   recorded_by=self.caller.subject)
        self.audit.record(action, "response", audit_entity(response), county=response.county_code, before=before,
                          after=audit_snapshot(response))
        # A response made by this request has no review comments yet.
        return response_out(response, shown, None if new else await self._comments(response))

    def _check_effective_day(self, round_: Round, day: date, today: date, submitting: bool) -> None:
        if day != today and self.caller.role is not Role.NATIONAL_ADMIN:
            message = (f"A submission takes effect on the day it is sent ({today}); only a national administrator "
                       "records one that took effect on another day.")
            raise Forbidden(message, errors=[FieldError("body.submitted_on", "forbidden", message)])
        if not submitting:
            raise InvalidInput.field("body.submitted_on", "submitted_on_with_submission", "A draft has not taken "
                                     "effect: submitted_on is given with the submission (submit: true).")
        if day > today:
            raise InvalidInput.field("body.submitted_on", "not_in_future", f"{day} is after today ({today}, "
                                     "Swedish time): a submission cannot take effect in the future.")
        if day < round_.opens_on:
            raise InvalidInput.field("body.submitted_on", "within_round", f"{day} is before round {round_.id} "
                                     f"opened ({round_.opens_on}): nothing was answered before then.")

    async def review(self, round_id: str, respondent_id: str, data: ReviewIn) -> ResponseOut:
        await self.rounds.get(round_id)
        response = await self._get(round_id, respondent_id)
        require_county_scope(self.caller, response.county_code, what=f"the review of {respondent_id}'s response",
                             field="path.respondent_id")
        if response.status != SUBMITTED:
            raise Conflict.field("status", "review_submitted", "Only a submitted response is reviewed.")
        before = audit_snapshot(response)
        response.review_state = data.state.value
        await self.repository.add_comment(ReviewComment(response_id=response.id, review_state=data.state.value,
                                                        comment=data.comment, recorded_by=self.caller.subject))
        # The comment is the reviewer's free text: it stays with the response (its comments), out of the trail.
        self.audit.record("review", "response", audit_entity(response), county=response.county_code,
                          before=before, after=audit_snapshot(response))
        return await self.read(round_id, respondent_id)

    async def read(self, round_id: str, respondent_id: str) -> ResponseOut:
        round_ = await self.rounds.get(round_id)
        response = await self._get(round_id, respondent_id)
        self._require_reader(response)
        items = await self._items(round_)
        answers = answers_from_rows(items, (await self.repository.answers_of([response.id]))[response.id])
        return response_out(response, answers, await self._comments(response))

    async def history(self, round_id: str, respondent_id: str) -> HistoryOut:
        await self.rounds.get(round_id)
        response = await self._get(round_id, respondent_id)
        self._require_reader(response)
        return history_out(round_id, respondent_id, await self.repository.revisions(response.id))

    async def page(self, round_id: str, *, status: str | None, county: str | None,
                   paging: PageRequest) -> Page[ResponseOut]:
        """A page of the responses the caller may read (its county's, its own, or all); `county` narrows them
        further (a county asking for another county's sees none)."""
        round_ = await self.rounds.get(round_id)
        scope, respondent = read_scope(self.caller)
        after = paging.after_key(str)
        if scope is not None and county not in (None, scope):
            return paging.page([], count=0, sort_key=lambda r: [r.respondent_id])
        rows, count = await self.repository.search(round_id, county=scope or county, respondent=respondent,
                                                   status=status, after=after, limit=paging.limit + 1)
        items = await self._items(round_)
        answers = await self.repository.answers_of([r.id for r in rows])
        return paging.page([response_out(r, answers_from_rows(items, answers[r.id])) for r in rows], count=count,
                           sort_key=lambda r: [r.respondent_id])

    async def search(self, round_id: str) -> list[ResponseOut]:
        round_ = await self.rounds.get(round_id)
        items = await self._items(round_)
        county, respondent = read_scope(self.caller)
        responses = await self.repository.in_round(round_id, county, respondent)
        answers = await self.repository.answers_of([r.id for r in responses])
        return [response_out(r, answers_from_rows(items, answers[r.id])) for r in responses]

    async def _items(self, round_: Round) -> list[Item]:
        """The items of the round's questionnaire version, read and parsed once per request."""
        return await self.rounds.items(round_)

    async def _get(self, round_id: str, respondent_id: str) -> Response:
        response = await self.repository.of_respondent(round_id, respondent_id)
        if response is None:
            raise NotFound(f"{respondent_id} has no response in round {round_id}.")
        return response

    def _require_reader(self, response: Response) -> None:
        if not may_read(self.caller, response.respondent_id, response.county_code):
            message = (f"{response.respondent_id}'s response belongs to county {response.county_code}; it is read "
                       "by that county, the respondent itself and the national level.")
            raise Forbidden(message, errors=[FieldError("path.respondent_id", "forbidden", message)])

    async def _comments(self, response: Response) -> list[CommentOut]:
        return [comment_out(c) for c in await self.repository.comments(response.id)]


def _last_day(round_: Round) -> date:
    """The round's last day of answers: its closing date, or the day it was closed, if earlier."""
    return min(round_.closes_on, swedish_day(round_.closed_at)) if round_.closed_at else round_.closes_on
