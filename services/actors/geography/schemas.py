from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

CountyCode = Annotated[str, Path(pattern=r"^[0-9]{2}$", description="SCB county code, two digits (e.g. 20).",
                                  examples=["20"])]
MunicipalityCode = Annotated[str, Path(pattern=r"^[0-9]{4}$",
                                        description="SCB municipality code, four digits (e.g. 2080).",
                                        examples=["2080"])]
CountyFilter = Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="Only this county (SCB code).")]
NameFilter = Annotated[str | None, Query(min_length=1, max_length=100,
                                         description="Part of the name; case and å/ä/ö insensitive.")]


class Population(BaseModel):
    year: int = Field(description="Population on 31 December of this year (SCB).")
    population: int


class MunicipalitySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["2080"])
    name: str = Field(examples=["Falun"])


class Municipality(MunicipalitySummary):
    county_code: str = Field(examples=["20"])
    county_name: str = Field(examples=["Dalarnas län"])
    population: int | None = Field(description="Latest published population.")
    population_year: int | None
    populations: list[Population]


class CountySummary(BaseModel):
    code: str = Field(examples=["20"])
    name: str = Field(examples=["Dalarnas län"])
    municipality_count: int
    population: int | None = Field(description="Sum of the municipalities' latest published population.")
    population_year: int | None


class County(CountySummary):
    municipalities: list[MunicipalitySummary]
