from datetime import date

from pydantic import BaseModel, Field

from services.funding.identifiers import RecordId
from shared.money import Money, SignedMoney
from shared.periods import Day
from shared.text import multi_line


class ReportIn(BaseModel):
    id: RecordId
    allocation_id: RecordId
    recipient_id: RecordId = Field(description="The recipient whose share the report accounts for.")
    spent: Money = Field(description="What was spent of the money received (and not passed on).")
    comment: multi_line(4000) = ""  # type: ignore[valid-type]


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
    report_date: date
    due_date: date
    late: bool
    comment: str
    repayment_claim: ClaimOut | None


class RepaymentIn(BaseModel):
    id: RecordId
    amount: Money
    paid_on: Day | None = Field(None, description="Default: today.")


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
