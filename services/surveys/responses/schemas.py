from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from services.surveys.identifiers import LongText, RecordId
from services.surveys.questionnaires.schemas import AnswerValue
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel

Answers = Annotated[dict[Annotated[str, Field(max_length=64)], AnswerValue | None], Field(
    max_length=500, description="linkId -> answer: an option code, a list of codes (multiple choice; a ranking "
                                "in order), a number, text or a date YYYY-MM-DD",
    examples=[{"behov.barn-och-unga.angelagenhet": 4}])]


class ReviewState(StrEnum):
    RECEIVED = "received"
    HAS_ISSUES = "has_issues"
    APPROVED = "approved"


SUBMITTED_ON = (
    "The day the submission took effect (Swedish calendar day), when it is not today: a report sent on paper or by "
    "e-mail, recorded later. National administrators only; not before the round opens, not in the future. Left "
    "out: today, for a new submission; unchanged, for an amendment. Whether the report was on time and whether it "
    "is late are read from this day; when it was recorded is kept apart (submitted_at, recorded_at).")


class ResponseIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "respondent_id": "2080",
        "submit": True,
        "answers": {
            "behov.barn-och-unga.angelagenhet": 5,
            "behov.barn-och-unga.processer": ["sprida-kunskap"],
            "behov.barn-och-unga.niva": "regional",
            "behov.aldre.angelagenhet": 2,
        },
    }]})

    respondent_id: RecordId = Field(description="The organisation answering: one of the round's targets")
    answers: Answers = Field(default_factory=dict)
    submit: bool = Field(False, description="false: save a draft to resume later; true: submit, fully checked")
    submitted_on: Day | None = Field(None, description=SUBMITTED_ON)


class ResponseUpdate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"submit": False, "answers": {"behov.barn-och-unga.angelagenhet": 4, "behov.aldre.angelagenhet": 3}},
    ]})

    answers: Answers = Field(default_factory=dict)
    submit: bool = Field(False, description="Submit the draft; a submitted response's change is an amendment")
    submitted_on: Day | None = Field(None, description=SUBMITTED_ON)


class ReviewIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"state": "has_issues", "comment": "Falun: ange vilken nivå som bör agera för äldre."},
    ]})

    state: ReviewState
    comment: LongText = ""


class CommentOut(BaseModel):
    review_state: str
    comment: str
    recorded_at: Timestamp
    recorded_by: str


class ResponseOut(BaseModel):
    round_id: str
    respondent_id: str
    county_code: str | None
    status: str = Field(description="draft or submitted")
    review_state: str | None = Field(description="received, has_issues or approved once submitted")
    late: bool = Field(description="Took effect after the round closed (recorded by a national administrator)")
    submitted_on: date | None = Field(description="The Swedish day the submission took effect: the day it was "
                                                  "sent, or the day a national administrator gave")
    submitted_at: Timestamp | None = Field(description="When the submission was first recorded here")
    recorded_at: Timestamp = Field(description="When the response's present state was recorded (its latest save)")
    revision: int
    answers: dict[str, Any]
    comments: list[CommentOut] = []


class RevisionOut(BaseModel):
    revision: int
    status: str
    late: bool
    submitted_on: date | None = Field(description="The effective day of the submission as this revision left it")
    answers: dict[str, Any]
    recorded_at: Timestamp = Field(description="When this revision was recorded (always the moment it was stored)")
    recorded_by: str


class HistoryOut(BaseModel):
    round_id: str
    respondent_id: str
    revisions: list[RevisionOut]
