from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from services.surveys.identifiers import RecordId, Text


class TargetSetIn(BaseModel):
    organisation_ids: list[RecordId] = Field(min_length=1, max_length=400,
                                             description="The organisations the round is sent to")


class RoundIn(BaseModel):
    id: RecordId
    questionnaire_id: RecordId
    version: Annotated[int, Field(ge=1, le=10_000)]
    title: Text
    opens_on: date
    closes_on: date
    targets: TargetSetIn

    @model_validator(mode="after")
    def _period(self) -> "RoundIn":
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on is before opens_on")
        return self


class TargetOut(BaseModel):
    organisation_id: str
    name: str | None
    county_code: str | None
    contact_point: str | None = Field(description="The organisation's fixed-function mailbox, never a person")


class RoundOut(BaseModel):
    id: str
    questionnaire_id: str
    version: int
    title: str
    opens_on: date
    closes_on: date
    status: str = Field(description="scheduled, open or closed")
    targets: int


class CountyNonResponders(BaseModel):
    county_code: str | None
    targets: int
    submitted: int
    non_responders: list[TargetOut]


class NonRespondersOut(BaseModel):
    round_id: str
    targets: int
    submitted: int
    counties: list[CountyNonResponders]
