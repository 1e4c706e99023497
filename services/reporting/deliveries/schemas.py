from typing import Literal

from pydantic import BaseModel, Field

from shared.records import Timestamp


class AttemptOut(BaseModel):
    attempt: int = Field(description="1 for the first POST, 2 for the first retry, ...")
    at: Timestamp
    status_code: int | None = Field(description="What SKR's endpoint answered; null when it did not answer")
    outcome: Literal["delivered", "retry", "failed"]
    reason: str
    next_attempt_at: Timestamp | None = Field(description="When it is tried again (outcome retry); null otherwise")


class DeliveryOut(BaseModel):
    id: str = Field(description="The message id SKR's endpoint receives (webhook-id) and deduplicates on: "
                                "annual-report-<year>-v<version>")
    year: int
    version: int
    status: Literal["pending", "delivered", "failed"]
    reason: str | None = Field(description="Why it is where it is: the last attempt's reason, or 'no endpoint set'")
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    requested_at: Timestamp
    requested_by: str
    attempts: list[AttemptOut]

