"""The tables a county system can import: their columns, how a row becomes the single-record API's input model,
and which service method stores it (or, for organisations and people, which set of the service's own rule
functions checks the whole file at once). Each row goes through exactly the validation and authorisation a
single POST gets; nothing here checks a business rule of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.bulk.sets import OrganisationsSet, PeopleSet, RecordSet
from services.actors.geography.models import County
from services.actors.organisations.models import Organisation
from services.actors.organisations.schemas import OrganisationIn
from services.actors.organisations.service import OrganisationService
from services.actors.people.models import Person
from services.actors.people.schemas import PersonIn
from services.actors.people.service import PersonService
from services.actors.posts.models import Membership, Post
from services.actors.posts.schemas import MembershipIn, PostIn
from services.actors.posts.service import PostService
from services.actors.relations.models import Relation
from services.actors.relations.schemas import RelationIn
from services.actors.relations.service import RelationService
from shared.identity import Principal

Cells = dict[str, str | None]


class Services:
    """The single-record services, made once per import and shared by its rows."""

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.organisations = OrganisationService(session, caller)
        self.posts = PostService(session, caller)
        self.people = PersonService(session, caller)
        self.relations = RelationService(session, caller)


@dataclass(frozen=True)
class ImportTable:
    name: str
    columns: tuple[str, ...]  # importable, in the documented order
    required: frozenset[str]  # must be in the header
    export_only: tuple[str, ...]  # readable columns the export adds; ignored on import so an export re-imports
    model: type[BaseModel]
    to_input: Callable[[Cells], dict[str, Any]]
    store: Callable[[Services, Any], Awaitable[tuple[Any, bool]]]
    # The column a 403 is about: the one that puts the record in a county (or in none).
    forbidden_column: str
    # Field paths of the input model that come from one column under another name.
    renamed: dict[str, str]
    # Records the service looks up by primary key, loaded for the whole file first: (model, column holding the
    # key) or (model, None) for a whole small table. Only a speed-up: the service reads the same rows anyway.
    preload: tuple[tuple[Any, str | None], ...] = ()
    # Checks and stores the file as sets (services/actors/bulk/sets.py) rather than row by row through `store`.
    record_set: Callable[[AsyncSession, Principal], RecordSet] | None = None

    def column_for(self, field_path: str) -> str:
        """'body.valid_to' -> 'valid_to'; 'identifiers.0.value' -> 'org_number'."""
        first = field_path.removeprefix("body.").split(".", 1)[0]
        return self.renamed.get(first, first)


def _plain(cells: Cells) -> dict[str, Any]:
    return {name: value for name, value in cells.items() if value is not None}


def _county_code(value: str | None) -> str | None:
    # Excel turns the code "01" into the number 1; a one-digit code can only mean the zero-padded one.
    return value.zfill(2) if value is not None and value.isdigit() and len(value) == 1 else value


def organisation_input(cells: Cells) -> dict[str, Any]:
    data = _plain({k: v for k, v in cells.items() if k != "org_number"})
    if "county_code" in data:
        data["county_code"] = _county_code(data["county_code"])
    if cells.get("org_number"):
        data["identifiers"] = [{"scheme": "org_number", "value": cells["org_number"]}]
    return data


# A cell holding a list (a relation's attestations) separates its items as `source` does; a comma is taken too.
LIST_SEPARATOR = "; "
# Excel shows a cell "true" as a boolean and saves it in the user's language: the export writes yes/no, which it
# leaves alone, and the import also reads what Excel (Swedish or English) and people write.
YES, NO = "yes", "no"
BOOLEAN_CELLS = {"yes": True, "ja": True, "true": True, "sant": True, "1": True,
                 "no": False, "nej": False, "false": False, "falskt": False, "0": False}


def relation_input(cells: Cells) -> dict[str, Any]:
    data = _plain(cells)
    if "evidence" in cells and cells["evidence"] is None:
        data["evidence"] = None  # an empty cell under the column is an undated relation, as the export writes one
    if "attested" in data:
        data["attested"] = [a.strip() for a in data["attested"].replace(",", ";").split(";") if a.strip()]
    if "joint" in data:
        data["joint"] = BOOLEAN_CELLS.get(data["joint"].lower(), data["joint"])
    return data


async def store_organisation(services: Services, data: OrganisationIn) -> tuple[Any, bool]:
    return await services.organisations.create(data)


async def store_post(services: Services, data: PostIn) -> tuple[Any, bool]:
    return await services.posts.create_post(data)


async def store_membership(services: Services, data: MembershipIn) -> tuple[Any, bool]:
    return await services.posts.create_membership(data)


async def store_relation(services: Services, data: RelationIn) -> tuple[Any, bool]:
    return await services.relations.create(data)


async def store_person(services: Services, data: PersonIn) -> tuple[Any, bool]:
    return await services.people.create(data)


ORGANISATIONS = ImportTable(
    name="organisations",
    columns=("id", "kind", "name", "short_name", "county_code", "org_number", "valid_from", "valid_to", "note",
             "source"),
    required=frozenset({"id", "kind", "name"}),
    export_only=("name_on_date", "short_name_on_date"),
    model=OrganisationIn, to_input=organisation_input, store=store_organisation,
    forbidden_column="county_code", renamed={"identifiers": "org_number"},
    preload=((Organisation, "id"), (County, None)), record_set=OrganisationsSet,
)

POSTS = ImportTable(
    name="posts",
    columns=("id", "organisation_id", "role", "label", "on_behalf_of_id", "valid_from", "valid_to"),
    required=frozenset({"id", "organisation_id", "role"}),
    export_only=("organisation_name", "on_behalf_of_name", "holder_membership_id", "holder_person_id",
                 "holder_name", "holder_email", "holder_phone"),
    model=PostIn, to_input=_plain, store=store_post,
    forbidden_column="organisation_id", renamed={}, preload=((Post, "id"),),
)

MEMBERSHIPS = ImportTable(
    name="memberships",
    columns=("id", "post_id", "person_id", "valid_from", "valid_to", "note"),
    required=frozenset({"id", "post_id", "person_id"}),
    export_only=("person_name", "person_email", "person_phone", "organisation_id", "organisation_name", "role",
                 "on_behalf_of_name"),
    model=MembershipIn, to_input=_plain, store=store_membership,
    forbidden_column="post_id", renamed={},
    preload=((Membership, "id"), (Post, "post_id"), (Person, "person_id")),
)

PEOPLE = ImportTable(
    name="people",
    columns=("id", "given_name", "family_name", "email", "phone"),
    required=frozenset({"id", "given_name", "family_name"}),
    export_only=(),
    model=PersonIn, to_input=_plain, store=store_person,
    forbidden_column="id", renamed={}, preload=((Person, "id"),), record_set=PeopleSet,
)

RELATIONS = ImportTable(
    name="relations",
    columns=("id", "kind", "subject_id", "object_id", "valid_from", "valid_to", "reported", "note", "source",
             "evidence", "attested", "joint", "unit_id"),
    required=frozenset({"id", "kind", "subject_id", "object_id"}),
    export_only=("subject_name", "object_name", "unit_name"),
    model=RelationIn, to_input=relation_input, store=store_relation,
    forbidden_column="subject_id", renamed={},
    preload=((Relation, "id"), (Organisation, "subject_id"), (Organisation, "object_id")),
)
