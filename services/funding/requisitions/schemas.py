from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.funding.allocation.schemas import PayeeOut
from services.funding.identifiers import RecordId
from shared.money import Money, SignedMoney
from shared.periods import Day
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import multi_line


class RequisitionIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dalarna-2025-1",
        "allocation_id": "rss-2025-dalarna",
        "recipient_id": "rss-dalarna-receiver",
        "amount": "1000000.00",
        "signed_by": "demo-signatory-20",
    }]})

    id: RecordId
    allocation_id: RecordId
    recipient_id: RecordId = Field(description="The receiver whose share the requisition draws on.")
    amount: Money
    signed_by: RecordId = Field(description="The registry person who signs: holds a signatory post of the "
                                            "receiver's payee (the legal entity paid), or of the receiver, on the "
                                            "requisition date.")
    submit: bool = Field(True, description="false: keep it as a draft (it still reserves the amount)")
    requested_on: Day | None = Field(None, description=(
        "The day the requisition was made: its requisition date, the day the signatory and the receiver are "
        "judged on, and its ledger entry's date. Default: today; another day only by a national administrator "
        "(a county's earlier years), never in the future, before the agreement's first year, before the "
        "allocation or after the line's last requisition date."))


class StepIn(InputModel):
    """The body of a step: a rejection's reason; the day the agency's decision or payment took effect."""
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "Rekvisitionen saknar firmatecknarens underskrift."},
    ]})


    reason: multi_line(2000, min_length=1) | None = Field(  # type: ignore[valid-type]
        None, description="Why it is rejected: required to reject.")
    decided_on: Day | None = Field(None, description=(
        "approve, reject: the day the agency decided. Default: today; another day only by a national "
        "administrator, never in the future or before the requisition's date."))
    paid_on: Day | None = Field(None, description=(
        "pay: the day the money was paid; the disbursement's ledger date. Default: today; another day only by a "
        "national administrator, never in the future or before the approval."))


class RequisitionOut(BaseModel):
    id: str
    allocation_id: str
    agreement_id: str
    recipient_id: str
    county_code: str | None
    amount: SignedMoney
    requisition_date: date = Field(description="The day it was requested (took effect)")
    recorded_at: Timestamp = Field(description="When it was recorded")
    status: str
    reason: str | None
    signed_by: str | None
    receiver_org_number: str | None = Field(description="The organisation number paid: the payee's")
    payee: PayeeOut | None = Field(None, description=(
        "Whom the money is paid to: the receiver itself, or for a unit without an organisation number the legal "
        "entity it is part of. The share and its ledger entries stay the receiver's."))
    decided_on: date | None = Field(None, description="The day the agency approved or rejected it")
    decision_recorded_at: Timestamp | None = Field(None, description="When the decision was recorded")
    paid_on: date | None = Field(None, description="The day it was paid")
    payment_recorded_at: Timestamp | None = Field(None, description="When the payment was recorded")
    remaining_after: SignedMoney | None = Field(None, description="What the share has left once this is counted")
