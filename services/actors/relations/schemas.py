from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from services.actors.identifiers import RecordId
from services.actors.organisations.schemas import OrganisationRef
from services.actors.relations.models import Evidence, RelationKind
from shared.periods import Day, PeriodIn
from shared.strict_bodies import InputModel
from shared.text import Note, Source

KindFilter = RelationKind | None  # a list's optional filter
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
    confirmed_from: Day | None = Field(None, description=(
        "The day from which the caller confirms that the relation holds: it is known from then until it ends. "
        "Without valid_from and attested, the relation is recorded as attested on that day by its source (when "
        "it began is not known)."), examples=["2026-03-01"])
    note: Note | None = None
    source: Source | None = None


class ConfirmIn(InputModel):
    """A county system (or a later source) says that the relation holds on a day: from that day on it is known,
    until it ends, whatever its attestations."""

    on: Day = Field(description="The day from which the relation is confirmed to hold.", examples=["2026-03-01"])
    source: Source | None = Field(None, description="Who confirms it, added to the relation's sources.",
                                  examples=["Region Uppsala, the county's RSS, 2026-03-01"])


class RelationOut(BaseModel):
    id: str
    kind: RelationKind
    subject: OrganisationRef
    object: OrganisationRef
    valid_from: date | None
    valid_to: date | None = Field(description="The first day it no longer holds; for an attested-only relation the "
                                              "latest the sources allow (see attested_until).")
    active: bool = Field(description="It holds on the date asked: within its period and known then.")
    reported: int | None
    evidence: Evidence | None = Field(description="exact, month or year: the bounds as a source gives them; "
                                                  "attested: a source only says it held in a year or on a date, and "
                                                  "the bounds were inferred (see the reference data's README); null: "
                                                  "undated.")
    attested: list[str] = Field(description="The years or dates the sources attest.")
    sources: list[str] = Field(description="The sources, one per item.")
    joint: bool
    unit: OrganisationRef | None = Field(description="The host's or employer's unit where the platform sits.")
    attested_until: date | None = Field(description=(
        "An attested-only relation is known through its last attestation: from this day it is unknown (not "
        "ended) until it is confirmed. Null: known for its whole period."))
    confirmed_from: date | None = Field(description="Confirmed to hold from this day (by a county system or a "
                                                     "later source): known from then until it ends.")
    note: str | None
    source: str | None
    version: int
