from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    county_code: str | None  # the changed record's owning county
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # SQLite hands timestamps back without their zone; they were written in UTC.
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
