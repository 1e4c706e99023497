"""What crosses the wire of the key administration (`/keys`): a new key's terms, a rotation's grace period, a
key's record (never its secret or hash), the one answer that carries a secret, and an audit event."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from shared.counties import COUNTY_NAMES
from shared.records import Timestamp
from shared.strict_bodies import InputModel
from shared.text import single_line

KEY_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
KeyIdPath = Annotated[str, Path(pattern=KEY_ID_PATTERN, description="The key's id (not its secret).")]
# The roles a key can be made for (no key at all is the anonymous caller).
KeyRole = Literal["county", "national_admin", "dashboard", "respondent"]
ROLES_WITH_COUNTY = frozenset({"county", "respondent"})
CountyCode = Literal[tuple(sorted(COUNTY_NAMES))]  # type: ignore[valid-type]
KeyLabel = single_line(200, min_length=1)
OrganisationId = Annotated[str, Field(pattern=KEY_ID_PATTERN, examples=["2080"],
                                      description="A respondent key's organisation in the actor registry: the one "
                                                  "organisation it answers surveys for (a municipality's SCB code "
                                                  "or a registry id).")]
# A rotated key may keep working this long beside its successor, for a system to move to the new key.
MAX_GRACE_SECONDS = 7 * 24 * 3600


class KeyIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"label": "Region Dalarna, RSS-systemet", "role": "county", "county_code": "20"},
        {"label": "Falu kommun, enkätsvar", "role": "respondent", "county_code": "20", "organisation_id": "2080"},
        {"label": "SKR, nationell administratör", "role": "national_admin"},
    ]})

    label: KeyLabel = Field(description="Whose key it is and what for, as people read it.",  # type: ignore[valid-type]
                            examples=["Region Dalarna, RSS-systemet"])
    role: KeyRole = Field(description="county: a county's own system; respondent: one organisation answering "
                                      "its surveys; national_admin: SKR's administrators; dashboard: reads "
                                      "everything, changes nothing.")
    county_code: CountyCode | None = Field(None, description="The county (SCB code) of a county or respondent "
                                                             "key; required for those roles, refused for others.")
    organisation_id: OrganisationId | None = Field(None, description="Required for a respondent key, refused "
                                                                     "for others.")


class RotateIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"grace_seconds": 3600}]})

    grace_seconds: int = Field(0, ge=0, le=MAX_GRACE_SECONDS, strict=True,
                               description="How long the old key keeps working beside the new one (0, the "
                                           "default: it stops at once; at most 7 days).")


class KeyOut(BaseModel):
    key_id: str
    label: str
    role: str
    county_code: str | None
    organisation_id: str | None
    subject: str = Field(description="The caller the key signs in as (the services' audit trails name it); a "
                                     "rotated key's successor keeps it.")
    active: bool = Field(description="Whether the key works now.")
    created_at: Timestamp
    created_by: str
    last_used_at: Timestamp | None = Field(description="Its last use as the gateway last wrote it (at most a "
                                                       "minute behind).")
    revoked_at: Timestamp | None = Field(description="When it stopped (or, during a rotation's grace period, "
                                                     "stops) working.")
    revoked_by: str | None
    rotated_from: str | None = Field(description="The key this one replaced.")


class KeyCreated(KeyOut):
    secret: str = Field(description="The key itself, to send as X-API-Key. Shown this once: the platform keeps "
                                    "only its hash.")


class KeyEventOut(BaseModel):
    id: int
    at: Timestamp
    actor: str = Field(description="Who did it (the administrator's subject, or setup for an import).")
    action: Literal["create", "rotate", "revoke", "import"]
    key_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
