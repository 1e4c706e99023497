from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.surveys.identifiers import RecordId, Text
from services.surveys.rounds.targets import TargetKind
from shared.periods import Day
from shared.strict_bodies import InputModel


class TargetSetIn(InputModel):
    """Either a kind (and a county), or organisations by id; read from the actor registry as of opening day."""

    kind: TargetKind | None = Field(None, description="Every organisation of this kind open on the opening date "
                                                      "(municipality: 290, rss: 24, region, county: 21)")
    county: str | None = Field(None, pattern=r"^[0-9]{2}$", description="With kind: only this county's (SCB code)")
    organisation_ids: list[RecordId] | None = Field(None, min_length=1, max_length=400,
                                                    description="Instead of a kind: these organisations (a "
                                                                "municipality by its SCB code, others by registry id)")

    @model_validator(mode="after")
    def _one_way(self) -> "TargetSetIn":
        if (self.kind is None) == (self.organisation_ids is None):
            raise ValueError("name either a kind (with an optional county) or organisation_ids")
        if self.county is not None and self.kind is None:
            raise ValueError("county goes with kind")
        return self


class RoundIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "behov-dalarna-2027",
        "questionnaire_id": "behovsinventering",
        "version": 1,
        "title": "Behovsinventering Dalarna 2027",
        "opens_on": "2026-11-15",
        "closes_on": "2027-01-31",
        "targets": {"kind": "municipality", "county": "20"},
    }]})

    id: RecordId
    questionnaire_id: RecordId
    version: Annotated[int, Field(ge=1, le=10_000)]
    title: Text
    opens_on: Day
    closes_on: Day
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
