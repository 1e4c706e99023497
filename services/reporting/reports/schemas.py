from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.identifiers import Year
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel

CONTENT_HASH_PATTERN = r"^sha256:[0-9a-f]{64}$"


class AnnualReportIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"year": 2026, "as_of": "2026-12-06"}]})

    year: Year
    as_of: Day | None = Field(None, description="The day the report reads the register and the ledger as of "
                                                "(default: today); not in the future, not before the year.")


class ReportLinks(BaseModel):
    json_: str = Field(alias="json", description="The version's document (JSON)")
    xlsx: str
    html: str
    pdf: str
    csv: dict[str, str] = Field(description="Each table as a CSV file, by table name")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ReportVersionOut(BaseModel):
    year: int
    version: int
    as_of: date
    generated_at: Timestamp
    generated_by: str = Field(description="Who composed it: the caller's subject, or reporting-schedule")
    content_hash: str = Field(pattern=CONTENT_HASH_PATTERN, description="sha256 over the canonical JSON of the "
                                                                        "document without version, generated_at "
                                                                        "and content_hash")
    empty: bool = Field(description="No money, needs survey, status report or activity of the year")
    links: ReportLinks


# The document (annual-report/v1), as the OpenAPI document describes the answer; the published JSON Schema is
# GET /reporting/schemas/annual-report-v1.json.
Cell = str | int | float | bool | None


class ReportColumn(BaseModel):
    name: str
    title: str
    type: Literal["string", "integer", "money", "percent", "date", "boolean"] = Field(
        description="money: integer öre; percent: 0..100 with at most one decimal; date: ISO date")


class ReportTable(BaseModel):
    name: str
    title: str
    source: str = Field(description="The id of the source it was read from")
    columns: list[ReportColumn]
    rows: list[dict[str, Cell]]


class ReportFigure(BaseModel):
    key: str
    label: str
    value: int | float
    of: int | None
    text: str = Field(examples=["12 av 21 län har lämnat lägesrapport"])
    source: str


class ReportSource(BaseModel):
    id: str
    service: str
    endpoint: str
    as_of: date


class AnnualReport(BaseModel):
    """A version of the annual report (schema annual-report/v1)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    schema_url: str = Field(alias="schema", description="The document's JSON Schema")
    year: int
    as_of: date
    version: int
    generated_at: Timestamp
    content_hash: str = Field(pattern=CONTENT_HASH_PATTERN)
    empty: bool
    notes: list[str] = Field(description="Swedish remarks, e.g. why the report is empty")
    sources: list[ReportSource]
    figures: list[ReportFigure]
    tables: list[ReportTable]
