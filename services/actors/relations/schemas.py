from datetime import date

from pydantic import BaseModel, Field

from services.actors.organisations.schemas import OrganisationRef, PeriodIn, RecordId
from services.actors.relations.models import RelationKind
from shared.text import Note, Source


class RelationIn(PeriodIn):
    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    kind: RelationKind
    subject_id: RecordId = Field(description="Read as: subject KIND object.", examples=["municipality-0127"])
    object_id: RecordId = Field(examples=["fou-sodertorn"])
    reported: int | None = Field(None, ge=1900, le=2100, description="Year a source attests the relation.")
    note: Note | None = None
    source: Source | None = None


class RelationOut(BaseModel):
    id: str
    kind: str
    subject: OrganisationRef
    object: OrganisationRef
    valid_from: date | None
    valid_to: date | None
    active: bool
    reported: int | None
    note: str | None
    source: str | None
    version: int
