from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.surveys.rounds.targets import TargetKind
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel

Year = Annotated[int, Field(ge=2000, le=2100, description="The year the reports are about")]


class ReportingYearIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"year": 2026, "opens_on": "2026-12-01", "due_on": "2027-01-31"},
    ]})

    year: Year
    due_on: Day = Field(description="The date reports are due at SKR; a report submitted after it is not on time")
    opens_on: Day
    closes_on: Day | None = Field(None, description="The last day counties submit themselves (default: 31 "
                                                     "December of the year after); later only a national "
                                                     "administrator records a report, flagged late")
    targets: TargetKind = Field(TargetKind.COUNTY, description="Who reports: the 21 counties, or the 24 RSS")
    version: Annotated[int, Field(ge=1, le=10_000)] | None = Field(None, description="The status-report template's "
                                                                                     "version (default: its latest)")

    @model_validator(mode="after")
    def _dates(self) -> "ReportingYearIn":
        if self.due_on < self.opens_on:
            raise ValueError("due_on is before opens_on")
        if self.closes_on is not None and self.closes_on < self.due_on:
            raise ValueError("closes_on is before due_on")
        return self


class ReportingYearOut(BaseModel):
    year: int
    round_id: str
    due_on: date
    opens_on: date
    closes_on: date
    status: str
    targets: int


class Tally(BaseModel):
    code: str
    display: str
    count: int = Field(description="Submitted reports that answered so (a report naming two codes of one item is "
                                   "counted under each)")
    denominator: int = Field(description="Submitted reports")
    share: float | None


class CountyReport(BaseModel):
    organisation_id: str
    name: str | None
    county_code: str | None
    status: str = Field(description="submitted, draft or missing")
    submitted_on: date | None = Field(description="The Swedish day the report took effect: the day it was sent, or "
                                                  "the day a national administrator gave when recording it")
    submitted_at: Timestamp | None = Field(description="When the report was first recorded here")
    on_time: bool | None = Field(description="Took effect (submitted_on) on or before the due date; null: not yet")
    late: bool = Field(description="Took effect after the round closed (recorded by a national administrator)")
    decision_body: str | None
    decision_level: list[str] = Field(description="politisk, tjansteman, or both (a plan decided wholly or partly "
                                                  "at political level)")
    decision_scope: list[str] = Field(description="lokal, regional, nationell, or more than one (decided in a "
                                                  "county-wide body and in every municipality)")
    decision_date: str | None
    signatories: str | None
    signatory_roles: list[str]
    signed_for: list[str]
    answers: dict[str, Any]


class CompilationOut(BaseModel):
    """The counts SKR's compilation of the county plans made by hand (seed 004), beside each county's answers."""

    year: int
    round_id: str
    due_on: date
    targets: int
    submitted: int
    on_time: int
    after_due: int
    missing: int
    signed_by: list[Tally] = Field(description="Reports signed in each role")
    signed_for: list[Tally] = Field(description="Reports signed for the municipalities, the county council")
    signed_for_both: Tally = Field(description="Reports signed for both the municipalities and the county council")
    decided_at: list[Tally] = Field(description="Reports decided at political or official level; a report decided "
                                                "at both is counted under each")
    decided_where: list[Tally] = Field(description="Reports decided locally, regionally or nationally; a report "
                                                   "decided in more than one is counted under each")
    counties: list[CountyReport]
