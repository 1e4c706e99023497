from datetime import date

from pydantic import BaseModel, Field

from shared.money import SignedMoney


class LedgerEntryOut(BaseModel):
    position: int
    entry_type: str
    reverses: int | None
    reversed_type: str | None
    entry_date: date
    amount: SignedMoney
    provider: str
    receiver: str
    county_code: str | None
    document_type: str
    document_id: str
    actor: str
    request_id: str | None
    previous_hash: str
    entry_hash: str


class LedgerOut(BaseModel):
    agreement_id: str
    entries: list[LedgerEntryOut]


class ChainBreak(BaseModel):
    position: int
    reason: str


class VerificationOut(BaseModel):
    agreement_id: str
    entries: int
    intact: bool
    first_break: ChainBreak | None = None
    last_hash: str | None = None


class Balance(BaseModel):
    committed: SignedMoney = 0
    allocated: SignedMoney = 0
    requisitioned: SignedMoney = 0
    paid: SignedMoney = 0
    distributed: SignedMoney = 0
    reported_spent: SignedMoney = 0
    to_repay: SignedMoney = 0
    repaid: SignedMoney = 0


class GroupBalance(Balance):
    group: str | None


class BalancesOut(BaseModel):
    agreement_id: str
    as_of: date
    by: str | None
    total: Balance
    groups: list[GroupBalance]


class OverviewOut(BaseModel):
    as_of: date
    by: str = Field(description="county, agreement or recipient: what each group is")
    county: str | None = Field(None, description="Only this county's money, when asked for")
    total: Balance
    groups: list[GroupBalance]
