from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from services.actors.identifiers import RecordId, normalise_org_number
from services.actors.organisations.models import ContactKind, IdentifierScheme, OrganisationKind
from services.actors.relations.models import Evidence
from shared.periods import Day, PeriodIn
from shared.strict_bodies import InputModel
from shared.text import Name, Note, ShortName, Source, single_line

CountyCodeField = Annotated[str | None, Field(pattern=r"^[0-9]{2}$", description="SCB county code the record "
                                                                             "belongs to; null for national.")]
IdentifierValue = single_line(30, min_length=1)
ContactValue = single_line(300, min_length=1)
ContactLabel = single_line(100)
KindFilter = OrganisationKind | None  # a list's optional filter


class IdentifierIn(InputModel):
    scheme: IdentifierScheme
    value: IdentifierValue

    @field_validator("value")
    @classmethod
    def _valid_for_scheme(cls, value: str, info: ValidationInfo) -> str:
        scheme = info.data.get("scheme")
        if scheme is IdentifierScheme.ORG_NUMBER:
            try:
                return normalise_org_number(value)
            except ValueError as exc:
                raise PydanticCustomError("org_number", str(exc)) from None
        digits = {IdentifierScheme.SCB_COUNTY: 2, IdentifierScheme.SCB_MUNICIPALITY: 4}.get(scheme)  # type: ignore[arg-type]
        if digits and not (len(value) == digits and value.isdigit()):
            raise PydanticCustomError("scb_code_format", f"an SCB code of this scheme has {digits} digits")
        return value


class IdentifierOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scheme: IdentifierScheme
    value: str


class ContactIn(InputModel):
    model_config = ConfigDict(from_attributes=True)

    kind: ContactKind
    value: ContactValue
    label: ContactLabel | None = Field(None, examples=["Fixed function mailbox"])


# How many an organisation (or a post) may list: more than any real one has, few enough that one request, and
# the audit row recording it, stay small.
MAX_IDENTIFIERS = 10
MAX_CONTACTS = 20
Identifiers = Annotated[list[IdentifierIn], Field(max_length=MAX_IDENTIFIERS)]
Contacts = Annotated[list[ContactIn], Field(max_length=MAX_CONTACTS)]


class ContactOut(BaseModel):
    """A contact channel as shown (the fields of ContactIn)."""

    model_config = ConfigDict(from_attributes=True)

    kind: ContactKind
    value: str
    label: str | None = None


class NameOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    short_name: str | None
    valid_from: date | None
    valid_to: date | None
    evidence: Evidence | None = Field(None, description="How the name's dates are known: exact, month or year "
                                                   "(the first of the month or year stands for the day).")


class OrganisationIn(PeriodIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "rss-dalarna-receiver",
        "kind": "region",
        "name": "Region Dalarna, RSS-kansliet (demo)",
        "county_code": "20",
        "identifiers": [{"scheme": "org_number", "value": "796031-5542"}],
    }]})

    id: RecordId | None = Field(None, description="Leave out to have one made; supply your own to make a "
                                                  "retried create safe (same id, same content: no duplicate).")
    kind: OrganisationKind
    name: Name = Field(examples=["FoU Södertörn"])
    short_name: ShortName | None = None
    county_code: CountyCodeField = None
    identifiers: Identifiers = Field(default_factory=list)
    contacts: Contacts = Field(default_factory=list)
    note: Note | None = None
    source: Source | None = None

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "the name must not be blank")
        return value.strip()


class OrganisationPatch(InputModel):
    """Fields to change; names change with POST .../names (a rename has a date), closing with .../close."""

    kind: OrganisationKind | None = None
    county_code: CountyCodeField = None
    identifiers: Identifiers | None = None
    contacts: Contacts | None = None
    note: Note | None = None
    source: Source | None = None
    valid_from: Day | None = None


class RenameIn(InputModel):
    name: Name = Field(examples=["Sveriges Kommuner och Regioner"])
    short_name: ShortName | None = Field(None, examples=["SKR"])
    valid_from: Day = Field(description="The day the new name takes effect; the old name ends that day.")


class OrganisationOut(BaseModel):
    id: str
    kind: OrganisationKind
    name: str | None = Field(description="The name on the as-of date.")
    short_name: str | None
    county_code: str | None
    valid_from: date | None
    valid_to: date | None
    active: bool = Field(description="Whether the organisation existed on the as-of date.")
    as_of: date
    names: list[NameOut]
    identifiers: list[IdentifierOut]
    contacts: list[ContactOut]
    note: str | None
    source: str | None
    version: int


class OrganisationRef(BaseModel):
    """An organisation as named on the as-of date, for embedding."""

    id: str
    kind: OrganisationKind
    name: str | None
    county_code: str | None
