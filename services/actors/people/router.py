from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.actors.identifiers import RECORD_ID_PATTERN
from services.actors.people.schemas import PersonIn, PersonOut, PersonPatch
from services.actors.people.service import PersonService
from shared.database import Session
from shared.etag import IfMatch, answer_stored, set_etag
from shared.identity import AnyCaller, Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses

PersonId = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]


async def reading(session: Session, caller: AnyCaller) -> PersonService:
    return PersonService(session, caller)


async def listing(session: Session, caller: Caller) -> PersonService:
    return PersonService(session, caller)


async def writing(session: Session, caller: WritingCaller) -> PersonService:
    return PersonService(session, caller)


router = APIRouter(prefix="/people", tags=["people"], responses=problem_responses(401, 422))


@router.get("", summary="Search people by name (authenticated callers)")
async def list_people(people: Annotated[PersonService, Depends(listing)], paging: Paging,
                      name: Annotated[str | None, Query(min_length=1, max_length=100)] = None) -> Page[PersonOut]:
    return await people.search(name=name, paging=paging)


@router.post("", status_code=201, summary="Register a person", responses=problem_responses(403, 409))
async def create_person(data: PersonIn, people: Annotated[PersonService, Depends(writing)],
                        request: Request, response: Response) -> PersonOut:
    person, created = await people.create(data)
    return answer_stored(request, response, person, f"/people/{person.id}", created)


@router.get("/{person_id}", summary="One person; contact details for authenticated callers only",
            responses=problem_responses(404))
async def get_person(person_id: PersonId, people: Annotated[PersonService, Depends(reading)],
                     response: Response) -> PersonOut:
    person = await people.read(person_id)
    set_etag(response, person.version)
    return person


@router.patch("/{person_id}", summary="Change a person (If-Match required)",
              responses=problem_responses(403, 404, 409, 412, 428))
async def update_person(person_id: PersonId, data: PersonPatch, people: Annotated[PersonService, Depends(writing)],
                        response: Response, if_match: IfMatch = None) -> PersonOut:
    person = await people.update(person_id, data, if_match)
    set_etag(response, person.version)
    return person


@router.post("/{person_id}/erase", summary="Erase a person: identity replaced, posts held kept, erasure audited",
             responses=problem_responses(403, 404, 412, 428))
async def erase_person(person_id: PersonId, people: Annotated[PersonService, Depends(writing)],
                       response: Response, if_match: IfMatch = None) -> PersonOut:
    person = await people.erase(person_id, if_match)
    set_etag(response, person.version)
    return person
