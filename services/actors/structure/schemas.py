from datetime import date

from pydantic import BaseModel, Field

from services.actors.organisations.schemas import ContactOut, NameOut, OrganisationOut, OrganisationRef
from services.actors.posts.schemas import PostOut
from services.actors.relations.models import Evidence, RelationKind
from services.actors.relations.schemas import RelationOut


class RelatedOrganisation(BaseModel):
    organisation: OrganisationRef
    relation_id: str
    kind: RelationKind = Field(description="The relation's kind: owner_of and member_of tell owners from other "
                                           "members.")
    valid_from: date | None
    valid_to: date | None
    reported: int | None = Field(description="Year a source attests the relation, when its dates are unknown.")
    evidence: Evidence | None = Field(description="exact, month, year, or attested (bounds inferred); null: undated.")
    attested: list[str] = Field(description="The years or dates the sources attest.")
    sources: list[str]
    joint: bool = Field(description="A source says the relation is shared (two hosts at once).")
    unit: OrganisationRef | None = Field(description="The host's or employer's unit where the platform sits.")
    attested_until: date | None = Field(description=(
        "An attested-only relation is known through its last attestation: from this day it is unknown (not ended) "
        "until it is confirmed. Null: known for its whole period."))
    confirmed_from: date | None = Field(description="Confirmed to hold from this day: known from then until it "
                                                     "ends.")
    note: str | None


class PlacementUnknown(BaseModel):
    """Why an overview's hosts and employers are empty: no source in the register names one on the date. That is
    not knowing, which is not the same as the RSS having none; the nearest known placements are given."""

    note: str = Field(examples=["No source in the register names a host or employer of this RSS on 2026-06-01: "
                                "unknown, which is not the same as none. Last known host: Regionförbundet Uppsala "
                                "län, last attested 2013."])
    last_before: RelatedOrganisation | None = Field(
        description="The host or employer known last on or before the date (null: none known before): one that "
                    "ended, or an attested-only one that the sources stop attesting (its attested_until).")
    last_known_until: date | None = Field(
        None, description="The first day last_before was no longer known to hold: its end, or the day after its "
                          "last attestation.")
    last_attested: str | None = Field(
        None, description="When last_before is attested-only and unknown after its attestations: the last year "
                          "or date a source attests it (\"2013\").", examples=["2013"])
    next_after: RelatedOrganisation | None = Field(
        description="The host or employer known first after the date (null: none known after): one that starts, "
                    "or one confirmed from a later day.")
    next_known_from: date | None = Field(None, description="The first day next_after is known to hold.")


class RssOverview(BaseModel):
    rss: OrganisationOut
    as_of: date
    hosts: list[RelatedOrganisation] = Field(description="Host organisations on the date (a county may have several).")
    employers: list[RelatedOrganisation]
    parties: list[RelatedOrganisation] = Field(description="Organisations that are members (parties) of the RSS.")
    governed_by: list[RelatedOrganisation]
    groups: list[RelatedOrganisation] = Field(description="Steering and reference groups, committees, part of it.")
    networks: list[RelatedOrganisation] = Field(description="National networks the RSS is a member of.")
    contact_points: list[PostOut] = Field(description="Fixed-function contacts: they belong to the RSS, not a person.")
    contacts: list[ContactOut]
    representatives: list[PostOut] = Field(description="Posts held on behalf of the RSS, with their holders.")
    placement_unknown: PlacementUnknown | None = Field(
        None, description="Set when no host and no employer holds on the date: what the register knows around it.")


class Members(BaseModel):
    organisation: OrganisationRef
    as_of: date
    organisations: list[RelatedOrganisation] = Field(description="Member and owner organisations on the date.")
    posts: list[PostOut] = Field(description="Its posts on the date, each with its holder or vacant.")


class Representatives(BaseModel):
    county_code: str
    network: OrganisationRef
    as_of: date
    posts: list[PostOut]


class HistoryEvent(BaseModel):
    on: date | None = Field(description="Null when the source gives no date.")
    event: str = Field(examples=["renamed", "relation_started", "relation_ended", "founded", "closed"])
    description: str
    relation: RelationOut | None = None


class OrganisationHistory(BaseModel):
    organisation: OrganisationOut
    names: list[NameOut]
    relations: list[RelationOut]
    timeline: list[HistoryEvent]
