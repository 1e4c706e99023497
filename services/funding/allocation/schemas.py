import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from services.funding.allocation.engine import AllocationKey
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordId
from shared.money import Money, SignedMoney
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import single_line


def _percent(value: Any) -> Fraction:
    if isinstance(value, bool) or isinstance(value, float):
        raise PydanticCustomError("percent_not_float", "Send a percentage as a decimal string (\"4\", \"12.5\").")
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(_PERCENT_PATTERN, value)):
        return Fraction(Decimal(str(value)))
    raise PydanticCustomError("percent_format", "A percentage is a decimal string such as \"4\" or \"12.5\".")


_PERCENT_PATTERN = r"[0-9]{1,3}(\.[0-9]{1,6})?"
Percent = Annotated[Fraction, BeforeValidator(_percent),
                    WithJsonSchema({"type": "string", "pattern": f"^{_PERCENT_PATTERN}$", "examples": ["12.5"]})]
Name = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]*$")]


class RecipientIn(InputModel):
    id: RecordId = Field(description="A registry organisation id, or an SCB code (county 20, municipality 2080).")
    name: Name | None = None
    county_code: Annotated[str | None, Field(pattern=COUNTY_CODE_PATTERN,
                                             description="Default: the county an SCB code names.")] = None
    population: Annotated[int | None, Field(gt=0, le=100_000_000)] = None
    percent: Percent | None = None
    amount: Money | None = None
    project: bool = Field(False, description="Onward distribution: a project the distributor runs, not a registry "
                                             "organisation (its id is the distributor's own; a name is needed).")


class SetAsideIn(InputModel):
    recipient: RecipientIn
    percent: Percent
    purpose: single_line(300) = ""  # type: ignore[valid-type]


class AllocationIn(InputModel):
    total: Money | None = Field(None, description="Default: what remains of the funding line.")
    key: AllocationKey | None = Field(None, description="Default: the funding line's key.")
    rounding: Literal["krona", "ore"] = "krona"
    basis_year: Annotated[int | None, Field(ge=1900, le=2100,
                                            description="Population key: the year of the populations.")] = None
    basis: RecordId | None = Field(None, description="Population key, no populations sent: the actor registry's "
                                                     "population basis to take them from (the count an agreement "
                                                     "states, or SCB's: scb-2023-12-31); the answer cites it.")
    allocated_on: Day | None = Field(None, description=(
        "The day the allocation (or onward distribution) took effect; its ledger entries carry it. Default: "
        "today; another day only by a national administrator, never in the future, before the agreement's first "
        "year or (a distribution) before the share it passes on was allocated. Populations must be of that day "
        "or earlier (rule population_published)."))
    recipients: list[RecipientIn] = Field(min_length=1, max_length=400)
    set_asides: list[SetAsideIn] = Field(default_factory=list, max_length=10)


class AllocationCreate(AllocationIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dalarna-2023-region",
        "total": "2000000.00",
        "key": "fixed",
        "recipients": [{"id": "rss-dalarna-receiver", "amount": "2000000.00"}],
    }]})

    id: RecordId


class PayeeOut(BaseModel):
    """The legal entity a recipient's money is paid to: the recipient itself when it has an organisation number,
    otherwise the organisation it is part of in the actor registry (an R&D unit through its municipality)."""

    id: str
    name: str
    org_number: str


class ShareOut(BaseModel):
    recipient_id: str
    name: str | None
    county_code: str | None
    basis: str = Field(description="set_aside or the key that gave this row its share")
    weight: str = Field(description="population, percent, amount in öre or 1 (equal), as a fraction string")
    share: str = Field(description="the exact fraction of the total")
    exact_ore: str = Field(description="the exact amount in öre, as a fraction string")
    amount: SignedMoney
    adjustment_ore: str = Field(description="amount minus exact, in öre: less than one rounding unit")
    payee: PayeeOut | None = Field(None, description=(
        "A registry organisation's row: whom its money is paid to (itself, or the legal entity it is part of); "
        "the share, its ledger entries and its follow-up stay the recipient's. Null for municipalities, counties "
        "and projects."))


class ParentOut(BaseModel):
    allocation_id: str
    recipient_id: str = Field(description="Whose share of the parent allocation this distributes")


class AllocationOut(BaseModel):
    id: str | None
    agreement_id: str
    funding_line_id: str
    parent: ParentOut | None = Field(None, description="An onward distribution: the share it splits. Follow "
                                                       "parents up to the allocation of the funding line.")
    county_code: str | None = Field(None, description="An onward distribution: the county it stays within")
    total: SignedMoney
    sum: SignedMoney
    key: AllocationKey
    rounding: str
    allocated_on: date | None = Field(None, description="The day it took effect (null: made before the day was kept)")
    recorded_at: Timestamp | None = Field(None, description="When it was stored (null: a preview)")
    basis: dict[str, Any]
    tie_break: str = ("larger remainder first, then larger weight, then recipient id; each row is within one "
                      "rounding unit of its exact share and the rows sum exactly to the total")
    shares: list[ShareOut]
