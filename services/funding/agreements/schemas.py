from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.funding.allocation.engine import AllocationKey
from services.funding.identifiers import RecordId
from shared.money import Money, SignedMoney
from shared.periods import Day
from shared.strict_bodies import InputModel
from shared.text import multi_line, single_line

Text = single_line(300, min_length=1)
Year = Annotated[int, Field(ge=2000, le=2100)]


class FundingLineIn(InputModel):
    id: RecordId
    area: Text
    year: Year
    total: Money
    allocation_key: AllocationKey
    requisition_last_date: Day = Field(description="The last day a receiver may requisition from this line.")
    report_due_date: Day = Field(description="Spending report and repayment of unspent money are due then.")
    conditions: multi_line(4000) = ""  # type: ignore[valid-type]


class AgreementIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "rss-dalarna-2023-2026",
        "name": "RSS Dalarna 2023-2026",
        "registry_number": "DEMO-2023/1",
        "first_year": 2023,
        "last_year": 2026,
        "areas": ["utvecklingsledare"],
        "lines": [
            {
                "id": "rss-dalarna-2023",
                "area": "utvecklingsledare",
                "year": 2023,
                "total": "4000000.00",
                "allocation_key": "population",
                "requisition_last_date": "2027-06-30",
                "report_due_date": "2028-03-31",
                "conditions": "Fyra utvecklingsledartjänster",
            },
        ],
    }]})

    id: RecordId
    name: Text
    registry_number: Text = Field(description="The agreement's registry number (diarienummer), cited in reports.")
    first_year: Year
    last_year: Year
    areas: list[Text] = Field(min_length=1, max_length=50)
    lines: list[FundingLineIn] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> "AgreementIn":
        if self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        return self


class FundingLineOut(FundingLineIn):
    agreement_id: str
    total: SignedMoney  # type: ignore[assignment]  # answered from öre, not parsed from kronor


class AgreementOut(BaseModel):
    id: str
    name: str
    registry_number: str
    first_year: int
    last_year: int
    areas: list[str]
    lines: list[FundingLineOut]
