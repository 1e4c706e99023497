from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.records import Timestamp

_SNAPSHOT = ("The record {when}, as an object of its fields: an organisation, relation, post or membership as its "
             "answer shows it (OrganisationOut without as_of and active, RelationOut, PostOut, MembershipOut), a "
             "person's id, given_name, family_name, email, phone and managed_by_county; for the reference data "
             "load (entity_type register), the count of records added, corrected and withdrawn by kind and the "
             "digest of the reference data loaded (reference_digest); for a "
             "correction of a shipped record by that load (actor reference-data, action correct), the corrected "
             "fields by their stored names (subject_id, unit_id, organisation_id; names and identifiers as lists of "
             "objects), and for a relation it withdrew (action withdraw), all its fields. Names, e-mail and phone "
             "are left out where the caller may not see them. Null {none}.")


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: Timestamp
    actor: str
    action: str
    entity_type: str
    entity_id: str
    county_code: str | None  # the changed record's owning county
    before: dict[str, Any] | None = Field(
        description=_SNAPSHOT.format(when="before the change", none="on a create"))
    after: dict[str, Any] | None = Field(
        description=_SNAPSHOT.format(when="after the change", none="when there is nothing to show"))
    request_id: str | None
