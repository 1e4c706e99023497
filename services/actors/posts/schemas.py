from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.actors.identifiers import RecordId
from services.actors.organisations.schemas import ContactOut, Contacts, OrganisationRef
from services.actors.people.schemas import PersonBrief
from services.actors.posts.models import PostRole
from shared.periods import PeriodIn
from shared.text import Label, Source, multi_line

MembershipNote = multi_line(500)
RoleFilter = PostRole | None  # a list's optional filter


class PostIn(PeriodIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "rss-dalarna-receiver-signatory",
        "organisation_id": "rss-dalarna-receiver",
        "role": "signatory",
        "label": "Firmatecknare",
    }]})

    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    organisation_id: RecordId = Field(description="The organisation, group or network the seat is in.",
                                      examples=["rss-01-steering-group"])
    role: PostRole
    label: Label | None = Field(None, examples=["Representative of FoU Södertörn"])
    on_behalf_of_id: RecordId | None = Field(None, description="Whom the holder represents.")
    contacts: Contacts = Field(default_factory=list, description="A fixed function's own channels.")
    source: Source | None = None


class MembershipIn(PeriodIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "demo-signatory-20-2020",
        "post_id": "rss-dalarna-receiver-signatory",
        "person_id": "demo-signatory-20",
        "valid_from": "2020-01-01",
    }]})

    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    post_id: RecordId
    person_id: RecordId
    note: MembershipNote | None = None


class PostOut(BaseModel):
    id: str
    organisation: OrganisationRef
    role: PostRole
    label: str | None
    on_behalf_of: OrganisationRef | None
    valid_from: date | None
    valid_to: date | None
    active: bool
    contacts: list[ContactOut]
    holder: PersonBrief | None = Field(description="Who held the post on the as-of date; null when vacant.")
    holder_membership_id: str | None
    source: str | None = Field(None, description="Where the post is documented (a decision, a plan, an agreement), "
                                                 "as given when it was registered.")
    as_of: date
    version: int


class MembershipOut(BaseModel):
    id: str
    post_id: str
    role: PostRole
    organisation: OrganisationRef
    on_behalf_of: OrganisationRef | None
    person: PersonBrief
    valid_from: date | None
    valid_to: date | None
    active: bool
    note: str | None
    version: int
