import re
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from services.funding.allocation.schemas import Percent
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordId
from shared.money import Money, SignedMoney
from shared.records import Timestamp
from shared.strict_bodies import InputModel

Name = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]*$")]
Year = Annotated[int, Field(ge=2000, le=2100)]
MunicipalityCode = Annotated[str, Field(pattern=r"^[0-9]{4}$", examples=["2080"])]
_SHARE_PATTERN = r"[0-9]{1,6}(/[1-9][0-9]{0,5}|\.[0-9]{1,6})?"


def _share(value: Any) -> Fraction:
    if isinstance(value, bool) or isinstance(value, float):
        raise PydanticCustomError("share_not_float", "Send a share as a fraction or decimal string (\"1/3\", "
                                                     "\"0.5\").")
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(_SHARE_PATTERN, value)):
        return Fraction(value)
    raise PydanticCustomError("share_format", "A share is a fraction or decimal string such as \"1/3\" or \"0.5\".")


Share = Annotated[Fraction, BeforeValidator(_share),
                  WithJsonSchema({"type": "string", "pattern": f"^{_SHARE_PATTERN}$", "examples": ["1/3"]})]


class CostItemIn(InputModel):
    name: Name = Field(examples=["Utvecklingsledare"])
    posts: Annotated[int, Field(ge=1, le=1000)] = 1
    cost_per_post: Money = Field(description="Per post and year.")


class PhaseInYear(InputModel):
    year: Year
    principals_percent: Percent = Field(description="The share of the year's cost the principals pay; the state "
                                                    "pays the rest.")


class PreviousIn(InputModel):
    region: Money | None = None
    municipalities: dict[Annotated[str, Field(pattern=r"^[0-9]{4}$")], Money] = Field(default_factory=dict,
                                                                                   max_length=300)
    parties: dict[RecordId, Money] = Field(default_factory=dict, max_length=100,
                                           description="By registry organisation id: what each paid a year")


class PartyIn(InputModel):
    """One party to the agreement: a registry organisation, or a set of municipalities paying by population.
    Each pays a fixed yearly amount, or a share of what the fixed amounts leave of the year's cost."""

    organisation: RecordId | None = Field(None, description="A registry organisation (with or without a county): "
                                                            "a region, the Police, a union, a university")
    municipalities: Annotated[list[MunicipalityCode], Field(max_length=300)] | Literal["all"] | None = Field(
        None, description="Municipalities sharing their part by population: SCB codes, or \"all\" "
                                          "of the agreement's county")
    id: RecordId | None = Field(None, description="A set of municipalities: its key in the answer (default "
                                                  "\"municipalities\")")
    name: Name | None = Field(None, description="Default: the organisation's name in the registry; for "
                                                "municipalities a name of the set")
    basis: RecordId | None = Field(None, description="Municipalities: the registry's population basis they split "
                                                     "by (default: the agreement's)")
    amount: Money | None = Field(None, description="A fixed amount a year")
    share: Share | None = Field(None, description="A share of what the fixed amounts leave of the year's cost, as a "
                                                  "fraction (\"1/3\") or a decimal (\"0.5\")")
    percent: Percent | None = Field(None, description="The same share as a percentage")
    first_year: Year | None = Field(None, description="Default: the agreement's first year")
    last_year: Year | None = Field(None, description="Default: the agreement's last year")


class CoFinancingIn(InputModel):
    name: Name
    county_code: Annotated[str, Field(pattern=COUNTY_CODE_PATTERN, description="The agreement's county")]
    first_year: Year
    last_year: Year
    cost_items: list[CostItemIn] = Field(max_length=50, description="At least one.")
    region_percent: Percent | None = Field(
        None, examples=["50"], description="Without `parties`: the region's part of what the principals pay; all "
                                           "of the county's municipalities pay the rest, by population.")
    basis_year: Annotated[int | None, Field(ge=1900, le=2100, description=(
        "The year of SCB's populations on 31 December (the registry's basis scb-<year>-12-31); or `basis`."))] = None
    basis: RecordId | None = Field(None, examples=["scb-2023-12-31"],
                                   description="The registry's population basis the municipalities split by (an "
                                               "agreement's own count, or SCB's on a date); or `basis_year`.")
    parties: list[PartyIn] | None = Field(
        None, max_length=50, description="Who pays, when not the region and all of the county's municipalities: "
                                         "fixed amounts first, then shares of what they leave")
    phase_in: list[PhaseInYear] = Field(default_factory=list, max_length=100,
                                        description="Years in which the principals pay less than all; others: 100")
    previous: PreviousIn | None = Field(None, description="What each party paid a year under the previous agreement")

    @model_validator(mode="after")
    def _consistent(self) -> "CoFinancingIn":
        if self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        return self


class CoFinancingCreate(CoFinancingIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dalarna-utvecklingsledare-2023-2026",
        "name": "Utvecklingsledare i Dalarna 2023-2026",
        "county_code": "20",
        "first_year": 2023,
        "last_year": 2026,
        "cost_items": [{"name": "Utvecklingsledare", "posts": 4, "cost_per_post": "1000000"}],
        "region_percent": "50",
        "basis": "dalarna-rss-avtal-2023-2026",
        "previous": {"region": "1225535"},
    }]})

    id: Annotated[RecordId, Field(examples=["dalarna-utvecklingsledare-2023-2026"])]


class PartyAmount(BaseModel):
    party: str = Field(description="region, a registry organisation's id or a municipality's SCB code")
    name: str
    amount: SignedMoney
    part_of: str | None = Field(None, description="A municipality paying by population: the party it is one of")


class PartyYearOut(BaseModel):
    party: str = Field(description="The organisation's id, or the key of a set of municipalities")
    name: str
    contribution: Literal["amount", "share"]
    share: str | None = Field(description="Of what the fixed amounts leave, as a fraction")
    amount: SignedMoney
    basis: str | None = Field(None, description="Municipalities: the population basis they split by")


class YearOut(BaseModel):
    year: int
    cost: SignedMoney
    principals_percent: str
    state: SignedMoney
    region: SignedMoney | None = Field(description="Without `parties`: the region's part")
    municipalities: SignedMoney | None = Field(description="Without `parties`: the municipalities' part")
    parties: list[PartyYearOut] = Field(default_factory=list, description="What each party pays this year")
    claims: list[PartyAmount] = Field(description="The yearly claim per paying organisation: each organisation "
                                                  "and each municipality")


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
    created_at: Timestamp | None = None
