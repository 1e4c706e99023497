from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.actors.identifiers import RecordId
from shared.periods import Day
from shared.strict_bodies import InputModel
from shared.text import Name, Source

# A basis covers at most every municipality and some organisations besides.
MAX_ROWS = 400
RowCode = Annotated[str, Field(pattern=r"^([0-9]{4}|[a-z0-9][a-z0-9-]{1,62}[a-z0-9])$",
                               description="A municipality's SCB code (2080) or a registry organisation's id.",
                               examples=["2080"])]
Population = Annotated[int, Field(gt=0, le=100_000_000)]


class BasisRowIn(InputModel):
    code: RowCode
    population: Population = Field(examples=[59752])


class PopulationBasisIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dalarna-rss-avtal-2023-2026",
        "name": "Befolkningsunderlag, RSS Dalarna 2023-2026",
        "source": "Region Dalarna, tjänsteskrivelse HSN 2022/1845",
        "reference_date": "2021-12-31",
        "rows": [
            {"code": "2084", "population": 22986},
            {"code": "2081", "population": 52460},
            {"code": "2080", "population": 59752},
        ],
    }]})

    id: RecordId = Field(examples=["dalarna-rss-avtal-2023-2026"],
                         description="Chosen by the caller; a retry with the same content stores nothing new.")
    name: Name = Field(examples=["Befolkningsunderlag i avtalet om RSS Dalarna 2023-2026"])
    source: Source = Field(min_length=1, examples=["Region Dalarna, tjänsteskrivelse HSN 2022/1845"],
                           description="Where the figures come from: the agreement or publication stating them.")
    reference_date: Day = Field(description="The date the figures count the population on.",
                                examples=["2021-12-31"])
    rows: list[BasisRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class BasisRowOut(BaseModel):
    code: str
    name: str | None = Field(description="The municipality's or organisation's name (today's)")
    population: int


class PopulationBasisSummary(BaseModel):
    id: str
    name: str
    source: str
    reference_date: date
    county_code: str | None = Field(description="The one county all rows belong to; null: rows of several "
                                                "counties or none (a national administrator's basis)")
    total: int = Field(description="The sum of the rows' populations")
    row_count: int
    version: int


class PopulationBasisOut(PopulationBasisSummary):
    rows: list[BasisRowOut]
