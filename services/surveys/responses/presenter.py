"""How a response is shown: the response with its answers and review comments, its history, and in the audit
trail (its status, never its answers: they are in its history)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.surveys.responses.models import Response, ResponseRevision, ReviewComment
from services.surveys.responses.schemas import CommentOut, HistoryOut, ResponseOut, RevisionOut


def response_out(response: Response, answers: dict[str, Any],
                 comments: list[CommentOut] | None = None) -> ResponseOut:
    """`answers`: as validation.answers_from_rows shows them; `comments`: the review comments, when read."""
    return ResponseOut(round_id=response.round_id, respondent_id=response.respondent_id,
                       county_code=response.county_code, status=response.status,
                       review_state=response.review_state, late=response.late,
                       submitted_on=response.submitted_on, submitted_at=response.submitted_at,
                       recorded_at=response.updated_at, revision=response.revision, answers=answers,
                       comments=comments or [])


def response_etag(revision: int, reviews: int) -> str:
    """A response's ETag: its revision (each save) and how many reviews it has had (a review changes its
    review state and comments, not its revision)."""
    return f'"{revision}.{reviews}"'


def etag_of(response: ResponseOut) -> str:
    """The ETag of a response as read with its comments (one per review)."""
    return response_etag(response.revision, len(response.comments))


def comment_out(c: ReviewComment) -> CommentOut:
    return CommentOut(review_state=c.review_state, comment=c.comment, recorded_at=c.recorded_at,
                      recorded_by=c.recorded_by)


def revision_out(r: ResponseRevision) -> RevisionOut:
    return RevisionOut(revision=r.revision, status=r.status, late=r.late, submitted_on=r.submitted_on,
                       answers=r.answers, recorded_at=r.recorded_at, recorded_by=r.recorded_by)


def history_out(round_id: str, respondent_id: str, revisions: Iterable[ResponseRevision]) -> HistoryOut:
    return HistoryOut(round_id=round_id, respondent_id=respondent_id, revisions=[revision_out(r) for r in revisions])


def audit_entity(response: Response) -> str:
    """A response in the audit trail: <round id>/<respondent id>, as its path names it."""
    return f"{response.round_id}/{response.respondent_id}"


def audit_snapshot(response: Response) -> dict[str, Any]:
    return {"round_id": response.round_id, "respondent_id": response.respondent_id, "status": response.status,
            "review_state": response.review_state, "late": response.late,
            "submitted_on": response.submitted_on.isoformat() if response.submitted_on else None,
            "revision": response.revision}
