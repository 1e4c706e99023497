from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from services.actors.identifiers import RecordId
from services.actors.organisations.schemas import OrganisationRef
from services.actors.relations.models import Evidence, RelationKind
from shared.periods import PeriodIn
from shared.text import Note, Source

Attestation = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$", examples=["2013", "2013-11-15"])]
MAX_ATTESTATIONS = 16  # as many as the stored column holds (comma-separated dates)


class RelationIn(PeriodIn):
    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    kind: RelationKind
    subject_id: RecordId = Field(description="Read as: subject KIND object.", examples=["municipality-0127"])
    object_id: RecordId = Field(examples=["fou-sodertorn"])
    reported: int | None = Field(None, ge=1900, le=2100, description="Year a source attests the relation.")
    evidence: Evidence | None = Field(Evidence.EXACT, description=(
        "How the bounds are known: exact, month or year (the first of the month or year stands for the bound), "
        "attested (a source only says it held then; the bounds are inferred), or null: undated (no source dates "
        "it). Left out: exact."))
    attested: list[Attestation] | None = Field(None, max_length=MAX_ATTESTATIONS, description=(
        "The years or dates the sources attest (evidence `attested`); without it, `reported` is the one."))
    joint: bool = Field(False, description="A source says the relation is shared: an RSS may have two hosts at once "
                                           "only when both are joint.")
    unit_id: RecordId | None = Field(None, description="The host's or employer's unit where the platform sits.")
    note: Note | None = None
    source: Source | None = None


class RelationOut(BaseModel):
    id: str
    kind: RelationKind
    subject: OrganisationRef
    object: OrganisationRef
    valid_from: date | None
    valid_to: date | None
    active: bool
    reported: int | None
    evidence: Evidence | None = Field(description="exact, month or year: the bounds as a source gives them; "
                                                  "attested: a source only says it held in a year or on a date, and "
                                                  "the bounds were inferred (see the reference data's README); null: "
                                                  "undated.")
    attested: list[str] = Field(description="The years or dates the sources attest.")
    sources: list[str] = Field(description="The sources, one per item.")
    joint: bool
    unit: OrganisationRef | None = Field(description="The host's or employer's unit where the platform sits.")
    note: str | None
    source: str | None
    version: int
