from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.actors.identifiers import RecordIdPath
from services.actors.people.schemas import PersonIn, PersonOut, PersonPatch
from services.actors.people.service import PersonService
from shared.etag import IfMatch, answer_stored, set_etag
from shared.identity import AnyCaller, Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

People = Annotated[PersonService, provided(PersonService, AnyCaller)]
PeopleLister = Annotated[PersonService, provided(PersonService, Caller)]  # a list of people: signed-in callers
PeopleWriter = Annotated[PersonService, provided(PersonService, WritingCaller)]

router = APIRouter(prefix="/people", tags=["people"], responses=problem_responses(401, 422))


@router.get("", summary="Search people by name (authenticated callers)")
async def list_people(people: PeopleLister, paging: Paging,
                      name: Annotated[str | None, Query(min_length=1, max_length=100)] = None) -> Page[PersonOut]:
    return await people.search(name=name, paging=paging)


@router.post("", status_code=201, summary="Register a person", responses=problem_responses(403, 409))
async def create_person(data: PersonIn, people: PeopleWriter,
                        request: Request, response: Response) -> PersonOut:
    person, created = await people.create(data)
    return answer_stored(request, response, person, f"/people/{person.id}", created)


@router.get("/{person_id}", summary="One person; contact details for national and managing-county keys only",
            responses=problem_responses(404))
async def get_person(person_id: RecordIdPath, people: People,
                     response: Response) -> PersonOut:
    person = await people.read(person_id)
    set_etag(response, person.version)
    return person


@router.patch("/{person_id}", summary="Change a person (If-Match required)",
              responses=problem_responses(403, 404, 409, 412, 428))
async def update_person(person_id: RecordIdPath, data: PersonPatch, people: PeopleWriter,
                        response: Response, if_match: IfMatch = None) -> PersonOut:
    person = await people.update(person_id, data, if_match)
    set_etag(response, person.version)
    return person


@router.post("/{person_id}/erase", summary="Erase a person: identity replaced, posts held kept, erasure audited",
             responses=problem_responses(403, 404, 412, 428))
async def erase_person(person_id: RecordIdPath, people: PeopleWriter,
                       response: Response, if_match: IfMatch = None) -> PersonOut:
    person = await people.erase(person_id, if_match)
    set_etag(response, person.version)
    return person
