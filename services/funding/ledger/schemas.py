from datetime import UTC, date, datetime

from pydantic import BaseModel, Field, field_validator

from services.funding.identifiers import RECORD_ID_PATTERN
from services.funding.settings import LEDGER_KEY_ID_PATTERN
from shared.money import SignedMoney
from shared.records import Timestamp

HEX_DIGEST = r"^[0-9a-f]{64}$"


class LedgerEntryOut(BaseModel):
    position: int
    entry_type: str
    reverses: int | None
    reversed_type: str | None
    entry_date: date = Field(description="The day the event took effect: what balances as of a date read")
    recorded_at: Timestamp = Field(description="When it was recorded: the chain's order is the recording order")
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
    key_id: str | None = Field(description="The ledger key of the entry's MAC; none for an entry of the older, "
                                           "unkeyed format (plain sha256)")


class LedgerOut(BaseModel):
    agreement_id: str
    entries: list[LedgerEntryOut]


class ChainBreak(BaseModel):
    position: int
    reason: str


class Checkpoint(BaseModel):
    """An agreement's head at a time, signed with the ledger key (HMAC-SHA256): what a receipt carries."""

    agreement_id: str = Field(pattern=RECORD_ID_PATTERN)
    position: int = Field(ge=0, le=2**31 - 1, description="How many entries the chain had (0: none)")
    head_hash: str = Field(pattern=HEX_DIGEST, description="The last entry's hash then (64 zeros: none)")
    signed_at: datetime
    key_id: str = Field(pattern=LEDGER_KEY_ID_PATTERN, description="The ledger key of the signature")
    signature: str = Field(pattern=HEX_DIGEST)

    @field_validator("signed_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        """As signed: in UTC (a time without an offset is one)."""
        try:
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("a time out of range") from exc


class CheckpointOut(Checkpoint):
    receipt: str = Field(description="The checkpoint as one token, as the Ledger-Receipt header of a money-moving "
                                     "answer carries it: keep it, and ask verify with it (?receipt=) later")


class ReceiptCheck(BaseModel):
    position: int
    head_hash: str
    signed_at: Timestamp
    holds: bool = Field(description="The chain still has the receipt's head at its position")
    reason: str | None = None


class TotalDifference(BaseModel):
    """A running total (ledger_totals, which the balances read) that differs from the sum of its entries."""

    grouping: str
    group: str
    county_code: str
    kind: str
    stored: SignedMoney | None = Field(description="The running total; none when the row is missing")
    recomputed: SignedMoney | None = Field(description="The sum of the entries; none when no entry is of it")
    stored_entries: int | None
    recomputed_entries: int | None


class VerificationOut(BaseModel):
    agreement_id: str
    entries: int
    intact: bool = Field(description="The chain verifies, the receipt (if given) holds and the agreement's running "
                                     "totals equal its entries")
    first_break: ChainBreak | None = None
    last_hash: str | None = None
    keyed_entries: int = Field(0, description="Entries verified by their MAC under the ledger key")
    legacy_entries: int = Field(0, description="Entries of the older format, verified by plain sha256")
    legacy_rule: str | None = Field(None, description="What the older format's check proves, when there are such "
                                                      "entries")
    receipt: ReceiptCheck | None = None
    total_differences: list[TotalDifference] = Field(default_factory=list)


class TotalsVerificationOut(BaseModel):
    intact: bool
    rows: int = Field(description="Running totals compared with the sums of their entries")
    total_differences: list[TotalDifference]


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
    year: int | None = Field(None, description="Only the money of this year's funding lines, when asked for")
    total: Balance
    groups: list[GroupBalance]
