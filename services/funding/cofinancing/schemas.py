from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from services.funding.allocation.schemas import Percent
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordId
from shared.money import Money, SignedMoney

Name = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]*$")]
Year = Annotated[int, Field(ge=2000, le=2100)]


class CostItemIn(BaseModel):
    name: Name = Field(examples=["Utvecklingsledare"])
    posts: Annotated[int, Field(ge=1, le=1000)] = 1
    cost_per_post: Money = Field(description="Per post and year.")


class PhaseInYear(BaseModel):
    year: Year
    principals_percent: Percent = Field(description="The share of the year's cost the principals pay; the state "
                                                    "pays the rest.")


class PreviousIn(BaseModel):
    region: Money
    municipalities: dict[Annotated[str, Field(pattern=r"^[0-9]{4}$")], Money] = Field(default_factory=dict,
                                                                                   max_length=300)


class CoFinancingIn(BaseModel):
    name: Name
    county_code: Annotated[str, Field(pattern=COUNTY_CODE_PATTERN, description="The region's county")]
    first_year: Year
    last_year: Year
    cost_items: list[CostItemIn] = Field(max_length=50, description="At least one.")
    region_percent: Percent = Field(examples=["50"], description="The region's part of what the principals pay; "
                                                                 "the municipalities pay the rest, by population.")
    basis_year: Annotated[int, Field(ge=1900, le=2100, description="The year of the municipalities' populations "
                                                                   "(from the actor registry).")]
    phase_in: list[PhaseInYear] = Field(default_factory=list, max_length=100,
                                        description="Years in which the principals pay less than all; others: 100")
    previous: PreviousIn | None = Field(None, description="What each party paid a year under the previous agreement")

    @model_validator(mode="after")
    def _consistent(self) -> "CoFinancingIn":
        if self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        return self


class CoFinancingCreate(CoFinancingIn):
    id: Annotated[RecordId, Field(examples=["dalarna-utvecklingsledare-2023-2026"])]


class PartyAmount(BaseModel):
    party: str = Field(description="region, or a municipality's SCB code")
    name: str
    amount: SignedMoney


class YearOut(BaseModel):
    year: int
    cost: SignedMoney
    principals_percent: str
    state: SignedMoney
    region: SignedMoney
    municipalities: SignedMoney
    claims: list[PartyAmount] = Field(description="The yearly claim per party: the region and each municipality")


class ComparisonRow(BaseModel):
    party: str
    name: str
    previous: SignedMoney | None
    new: SignedMoney
    difference: SignedMoney | None


class CoFinancingOut(BaseModel):
    id: str | None
    name: str
    county_code: str
    first_year: int
    last_year: int
    yearly_cost: SignedMoney
    basis: dict[str, object]
    years: list[YearOut]
    comparison: list[ComparisonRow] = Field(description="A full year (principals paying all) against the previous "
                                                        "agreement, per party")
    created_at: datetime | None = None
