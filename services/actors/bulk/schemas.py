from datetime import date

from pydantic import BaseModel, Field

from services.actors.organisations.schemas import OrganisationOut
from services.actors.posts.schemas import MembershipOut, PostOut
from services.actors.relations.schemas import RelationOut


class ImportResult(BaseModel):
    """What an import stored; it is all-or-nothing, so an answer of 200 means every row is in."""

    imported: int = Field(description="Data rows in the file (blank lines aside).", examples=[120])
    created: int = Field(description="Rows that made a new record.", examples=[118])
    unchanged: int = Field(description="Rows whose id already existed with the same content: a retried import "
                                       "creates nothing twice.", examples=[2])
    ids: list[str] = Field(description="The record ids, in the file's row order.")


class RegisterExport(BaseModel):
    """The register as it stood on `as_of`: only records valid on that date."""

    as_of: date
    organisations: list[OrganisationOut]
    relations: list[RelationOut]
    posts: list[PostOut] = Field(description="Posts with their holder on the date (null when vacant).")
    memberships: list[MembershipOut]
