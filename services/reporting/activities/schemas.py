from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.identifiers import COUNTY_CODE_PATTERN, RegistryId
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import multi_line, single_line

Title = single_line(300, min_length=1)
Description = multi_line(4000)
MAX_REFERENCES = 50


class ActivityKind(StrEnum):
    MEETING = "meeting"
    DEVELOPMENT_WORK = "development_work"
    PROMISING_EXAMPLE = "promising_example"
    CONFERENCE = "conference"
    OTHER = "other"


class ActivityIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Länsträff om barn och unga", "kind": "meeting", "starts_on": "2026-03-12",
        "ends_on": "2026-03-12", "county_code": "20", "rss_ids": ["rss-20"], "network_ids": ["network-barn-och-unga"],
        "description": "Dalarnas kommuner och regionen om gemensam uppföljning.",
    }]})

    title: Title  # type: ignore[valid-type]
    kind: ActivityKind
    starts_on: Day
    ends_on: Day = Field(description="The last day (the same day for a one-day activity); not before starts_on")
    county_code: Annotated[str | None, Field(pattern=COUNTY_CODE_PATTERN, description=(
        "The county whose activity it is (a county system: its own); null: a national activity (national "
        "administrators)"))] = None
    rss_ids: list[RegistryId] = Field(default_factory=list, max_length=MAX_REFERENCES,
                                      description="The RSS that took part (registry ids of kind rss)")
    network_ids: list[RegistryId] = Field(default_factory=list, max_length=MAX_REFERENCES,
                                          description="The national networks or bodies it involved (registry ids)")
    description: Description = ""  # type: ignore[valid-type]


class ActivityOut(BaseModel):
    id: str
    title: str
    kind: ActivityKind
    starts_on: date
    ends_on: date
    county_code: str | None
    rss_ids: list[str]
    network_ids: list[str]
    description: str
    recorded_at: Timestamp
    recorded_by: str
