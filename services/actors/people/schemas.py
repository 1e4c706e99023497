from pydantic import BaseModel, ConfigDict, Field

from services.actors.identifiers import RecordId
from shared.strict_bodies import InputModel
from shared.text import EmailAddress, PersonName, PhoneNumber


class PersonIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "demo-signatory-20", "given_name": "Exempel", "family_name": "Firmatecknare"},
    ]})

    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    given_name: PersonName = Field(examples=["Exempel"])
    family_name: PersonName = Field(examples=["Exempelsson"])
    email: EmailAddress | None = Field(None, examples=["exempel@example.org"])
    phone: PhoneNumber | None = Field(None, examples=["+46 10 000 00 00"])


class PersonPatch(InputModel):
    given_name: PersonName | None = None
    family_name: PersonName | None = None
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None


class PersonOut(BaseModel):
    """E-mail and phone are shown to national administrators and to the system of the county that manages the
    person; every other caller sees null."""

    id: str
    name: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    erased: bool
    version: int


class PersonBrief(BaseModel):
    """A person within another answer (a post's holder, a membership's person): e-mail and phone by the same rule
    as PersonOut's."""

    id: str
    name: str
    email: str | None
    phone: str | None
