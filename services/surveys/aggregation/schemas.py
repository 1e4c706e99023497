from pydantic import BaseModel, Field

SHARE = "count / denominator, rounded to four decimals; the count and the denominator are given beside it"
SUPPRESSED = ("true: the figure is withheld from this caller (null), because the responses behind it are fewer than "
              "the minimum group size or would let another table be subtracted down to fewer; see the table's "
              "suppression")


class Suppression(BaseModel):
    """Why a table's figures are withheld from the caller: too few responses that are not the caller's own."""

    rule: str = Field(description="min_group_size: fewer submitted responses than `minimum`; "
                                  "complementary: enough, but withheld so that the nation minus the tables shown "
                                  "leaves no smaller group")
    minimum: int = Field(description="The minimum group size (SURVEYS_AGGREGATE_MIN_GROUP)")
    detail: str


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
    count: int | None = Field(description="Null when suppressed")
    denominator: int | None = Field(description="Submitted responses that answered the item; null when suppressed")
    share: float | None = Field(description=SHARE)
    suppressed: bool = Field(False, description=SUPPRESSED)
    previous_count: int | None = None
    previous_denominator: int | None = None
    previous_share: float | None = None


class ItemDistribution(BaseModel):
    link_id: str
    text: str
    type: str
    answered: int | None = Field(description="Submitted responses that answered the item; null when suppressed")
    mean: str | None = Field(None, description="Numbers and scales: the mean, two decimals")
    values: list[ValueCount]


class Distribution(BaseModel):
    scope: str = Field(description="nation or a county code")
    submitted: int = Field(description="Submitted responses in the scope (shown even when the figures are not, "
                                       "as the response rates show it)")
    suppressed: bool = Field(False, description=SUPPRESSED)
    suppression: Suppression | None = None
    previous_suppressed: bool = Field(False, description="The previous round's figures are withheld (null), by the "
                                                         "same rule")
    items: list[ItemDistribution]


class DistributionOut(BaseModel):
    round_id: str
    previous_round_id: str | None
    nation: Distribution
    county: Distribution | None


class RankedNeed(BaseModel):
    rank: int | None = Field(description="Null when suppressed (the order would tell the figures)")
    code: str
    display: str
    count: int | None = Field(description="Responses behind the figure; null when suppressed")
    denominator: int | None
    suppressed: bool = Field(False, description=SUPPRESSED)
    share: float | None = Field(None, description=SHARE)
    mean: str | None = Field(None, description="Focus areas: the mean urgency (1-5); mission areas: the mean rank")
    previous_count: int | None = None
    previous_mean: str | None = None
    change: str | None = Field(None, description="mean (focus areas) or share (processes) minus the previous "
                                                 "round's")


class Needs(BaseModel):
    scope: str
    submitted: int
    suppressed: bool = Field(False, description=SUPPRESSED)
    suppression: Suppression | None = None
    previous_suppressed: bool = False
    focus_areas: list[RankedNeed]
    processes: list[RankedNeed]
    mission_areas: list[RankedNeed]


class NeedsOut(BaseModel):
    round_id: str
    previous_round_id: str | None
    nation: Needs
    county: Needs | None
