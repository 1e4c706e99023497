from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field

from services.surveys.identifiers import LongText, RecordId
from services.surveys.questionnaires.schemas import AnswerValue

Answers = Annotated[dict[Annotated[str, Field(max_length=64)], AnswerValue | None], Field(
    max_length=500, description="linkId -> answer: an option code, a list of codes (multiple choice; a ranking "
                                "in order), a number, text or a date YYYY-MM-DD",
    examples=[{"behov.barn-och-unga.angelagenhet": 4}])]


class ReviewState(StrEnum):
    RECEIVED = "received"
    HAS_ISSUES = "has_issues"
    APPROVED = "approved"


class ResponseIn(BaseModel):
    respondent_id: RecordId = Field(description="The organisation answering: one of the round's targets")
    answers: Answers = Field(default_factory=dict)
    submit: bool = Field(False, description="false: save a draft to resume later; true: submit, fully checked")


class ResponseUpdate(BaseModel):
    answers: Answers = Field(default_factory=dict)
    submit: bool = Field(False, description="Submit the draft; a submitted response's change is an amendment")


class ReviewIn(BaseModel):
    state: ReviewState
    comment: LongText = ""


class CommentOut(BaseModel):
    review_state: str
    comment: str
    recorded_at: datetime
    recorded_by: str


class ResponseOut(BaseModel):
    round_id: str
    respondent_id: str
    county_code: str | None
    status: str = Field(description="draft or submitted")
    review_state: str | None = Field(description="received, has_issues or approved once submitted")
    late: bool = Field(description="Submitted or amended after the round closed, by a national administrator")
    submitted_at: datetime | None
    revision: int
    answers: dict[str, Any]
    comments: list[CommentOut] = []


class RevisionOut(BaseModel):
    revision: int
    status: str
    late: bool
    answers: dict[str, Any]
    recorded_at: datetime
    recorded_by: str


class HistoryOut(BaseModel):
    round_id: str
    respondent_id: str
    revisions: list[RevisionOut]
