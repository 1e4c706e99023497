from pydantic import BaseModel, Field

from services.actors.organisations.schemas import RecordId

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9 ()-]{5,20}$"


class PersonIn(BaseModel):
    id: RecordId | None = Field(None, description="Optional own id; a retry with the same id creates nothing new.")
    given_name: str = Field(min_length=1, max_length=100, examples=["Exempel"])
    family_name: str = Field(min_length=1, max_length=100, examples=["Exempelsson"])
    email: str | None = Field(None, max_length=254, pattern=EMAIL_PATTERN, examples=["exempel@example.org"])
    phone: str | None = Field(None, pattern=PHONE_PATTERN, examples=["+46 10 000 00 00"])


class PersonPatch(BaseModel):
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254, pattern=EMAIL_PATTERN)
    phone: str | None = Field(None, pattern=PHONE_PATTERN)


class PersonOut(BaseModel):
    """E-mail and phone are shown to authenticated callers only; anonymous callers see null."""

    id: str
    name: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    erased: bool
    version: int


class PersonBrief(BaseModel):
    id: str
    name: str
    email: str | None
    phone: str | None
