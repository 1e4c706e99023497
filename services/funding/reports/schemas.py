from datetime import date

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from services.funding.identifiers import RecordId
from shared.money import Money, SignedMoney
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import multi_line


class ReportIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dalarna-2025-rapport",
        "allocation_id": "rss-2025-dalarna",
        "recipient_id": "rss-dalarna-receiver",
        "spent": "320000.00",
        "comment": "Tre utvecklingsledare, Älvdalen–Avesta",
    }]})

    id: RecordId
    allocation_id: RecordId
    recipient_id: RecordId = Field(description="The recipient whose share the report accounts for.")
    spent: Money = Field(description="What was spent of the money received (and not passed on).")
    comment: multi_line(4000) = ""  # type: ignore[valid-type]
    reported_on: Day | None = Field(None, description=(
        "The day the report was made: whether it was late, and its ledger entries' date. Default: today; "
        "another day only by a national administrator, never in the future, before the agreement's first year or "
        "before the last payment (or the distribution) it accounts for."))


class RepaymentOut(BaseModel):
    id: str
    amount: SignedMoney
    repaid_on: date = Field(description="The day the money was repaid")
    recorded_at: Timestamp = Field(description="When it was recorded")


class ClaimOut(BaseModel):
    id: str
    report_id: str
    agreement_id: str
    registry_number: str = Field(description="The agreement's registry number, to cite with the repayment.")
    recipient_id: str
    county_code: str | None
    amount: SignedMoney
    repaid: SignedMoney
    outstanding: SignedMoney
    due_date: date
    claimed_on: date | None = Field(None, description="The day of the report that made the claim")
    repayments: list[RepaymentOut] | None = Field(None, description="What was repaid, each on its day; "
                                                                     "null in lists")


class ReportOut(BaseModel):
    id: str
    allocation_id: str
    agreement_id: str
    recipient_id: str
    county_code: str | None
    received: SignedMoney
    passed_on: SignedMoney = Field(description="What onward distributions of the share passed on.")
    spent: SignedMoney
    unspent: SignedMoney
    report_date: date = Field(description="The day it was reported (took effect)")
    recorded_at: Timestamp = Field(description="When it was recorded")
    due_date: date
    late: bool
    comment: str
    repayment_claim: ClaimOut | None


class RepaymentIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "dalarna-2025-ater", "amount": "80000.00"}]})

    id: RecordId
    amount: Money
    repaid_on: Day | None = Field(None, validation_alias=AliasChoices("repaid_on", "paid_on"), description=(
        "The day the money was repaid (also accepted as paid_on); the repayment's ledger date. Default: today; "
        "never in the future or before the claim."))


class OverdueReport(BaseModel):
    agreement_id: str
    registry_number: str
    allocation_id: str
    recipient_id: str
    name: str | None
    county_code: str | None
    received: SignedMoney
    due_date: date


class OverdueReportsOut(BaseModel):
    as_of: date
    county: str | None
    items: list[OverdueReport]


class UnpaidClaimsOut(BaseModel):
    county: str | None
    outstanding: SignedMoney
    items: list[ClaimOut]
