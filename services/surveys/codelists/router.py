from typing import Annotated

from fastapi import APIRouter, Depends

from services.surveys.codelists.schemas import CodeListOut
from services.surveys.codelists.service import CodeLists
from services.surveys.identifiers import RecordIdPath
from shared.database import Session
from shared.identity import AnyCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses


async def code_lists(session: Session, _caller: AnyCaller) -> CodeLists:
    """The code lists are public reference data, like the registry's geography: every caller reads them."""
    return CodeLists(session)


CodeListsOf = Annotated[CodeLists, Depends(code_lists)]

router = APIRouter(prefix="/code-lists", tags=["code lists"], responses=problem_responses(422))


@router.get("", summary="The shipped code lists (focus areas, processes, RSS mission areas, levels), a page at a "
                        "time")
async def list_code_lists(lists: CodeListsOf, paging: Paging) -> Page[CodeListOut]:
    return await lists.page(paging)


@router.get("/{code_list_id}", summary="One code list with its codes", responses=problem_responses(404))
async def get_code_list(code_list_id: RecordIdPath, lists: CodeListsOf) -> CodeListOut:
    return await lists.read(code_list_id)
