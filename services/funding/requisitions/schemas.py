from datetime import date

from pydantic import BaseModel, Field

from services.funding.allocation.schemas import PayeeOut
from services.funding.identifiers import RecordId
from shared.money import Money, SignedMoney
from shared.text import multi_line


class RequisitionIn(BaseModel):
    id: RecordId
    allocation_id: RecordId
    recipient_id: RecordId = Field(description="The receiver whose share the requisition draws on.")
    amount: Money
    signed_by: RecordId = Field(description="The registry person who signs: holds a signatory post of the "
                                            "receiver's payee (the legal entity paid), or of the receiver, on the "
                                            "requisition date.")
    submit: bool = Field(True, description="false: keep it as a draft (it still reserves the amount)")


class RejectIn(BaseModel):
    reason: multi_line(2000, min_length=1)  # type: ignore[valid-type]


class RequisitionOut(BaseModel):
    id: str
    allocation_id: str
    agreement_id: str
    recipient_id: str
    county_code: str | None
    amount: SignedMoney
    requisition_date: date
    status: str
    reason: str | None
    signed_by: str | None
    receiver_org_number: str | None = Field(description="The organisation number paid: the payee's")
    payee: PayeeOut | None = Field(None, description=(
        "Whom the money is paid to: the receiver itself, or for a unit without an organisation number the legal "
        "entity it is part of. The share and its ledger entries stay the receiver's."))
    remaining_after: SignedMoney | None = Field(None, description="What the share has left once this is counted")
