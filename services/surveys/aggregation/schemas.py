from pydantic import BaseModel, Field

SHARE = "count / denominator, rounded to four decimals; the count and the denominator are given beside it"


class Rate(BaseModel):
    county_code: str | None = None
    targets: int
    submitted: int
    share: float | None = Field(description=SHARE)


class ResponseRatesOut(BaseModel):
    round_id: str
    nation: Rate
    counties: list[Rate]
    previous_round_id: str | None
    previous_nation: Rate | None


class ValueCount(BaseModel):
    value: str = Field(description="An option's code, a scale's step, or a number item's bin as 'low..high'")
    display: str | None = None
    low: str | None = Field(None, description="A number item's bin: its least value (inclusive)")
    high: str | None = Field(None, description="A number item's bin: its greatest value (integers: inclusive; "
                                               "decimals: exclusive, but for the last bin)")
    count: int
    denominator: int = Field(description="Submitted responses that answered the item")
    share: float | None = Field(description=SHARE)
    previous_count: int | None = None
    previous_denominator: int | None = None
    previous_share: float | None = None


class ItemDistribution(BaseModel):
    link_id: str
    text: str
    type: str
    answered: int
    mean: str | None = Field(None, description="Numbers and scales: the mean, two decimals")
    values: list[ValueCount]


class Distribution(BaseModel):
    scope: str = Field(description="nation or a county code")
    submitted: int
    items: list[ItemDistribution]


class DistributionOut(BaseModel):
    round_id: str
    previous_round_id: str | None
    nation: Distribution
    county: Distribution | None


class RankedNeed(BaseModel):
    rank: int
    code: str
    display: str
    count: int = Field(description="Responses behind the figure")
    denominator: int
    share: float | None = Field(None, description=SHARE)
    mean: str | None = Field(None, description="Focus areas: the mean urgency (1-5); mission areas: the mean rank")
    previous_count: int | None = None
    previous_mean: str | None = None
    change: str | None = Field(None, description="mean (focus areas) or share (processes) minus the previous "
                                                 "round's")


class Needs(BaseModel):
    scope: str
    submitted: int
    focus_areas: list[RankedNeed]
    processes: list[RankedNeed]
    mission_areas: list[RankedNeed]


class NeedsOut(BaseModel):
    round_id: str
    previous_round_id: str | None
    nation: Needs
    county: Needs | None
