"""Code lists: shipped reference data, read by everyone authenticated; loaded by `python -m services.surveys
setup`, which leaves a list already there as it is."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.codelists.models import Code, CodeList
from services.surveys.codelists.presenter import code_list_out
from services.surveys.codelists.reference import CODE_LISTS, code_rows
from services.surveys.codelists.repository import CodeListRepository
from services.surveys.codelists.schemas import CodeListOut
from shared.pagination import Page, PageRequest
from shared.problems import NotFound


class CodeLists:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = CodeListRepository(session)

    async def read(self, code_list_id: str) -> CodeListOut:
        code_list = await self.repository.get(code_list_id)
        if code_list is None:
            raise NotFound(f"No code list {code_list_id}.")
        return code_list_out(code_list)

    async def find(self, code_list_id: str) -> CodeListOut | None:
        code_list = await self.repository.get(code_list_id)
        return code_list_out(code_list) if code_list else None

    async def page(self, paging: PageRequest) -> Page[CodeListOut]:
        rows, count = await self.repository.search(after=paging.after_key(str), limit=paging.limit + 1)
        return paging.page([code_list_out(c) for c in rows], count=count, sort_key=lambda c: [c.id])

    async def search(self) -> list[CodeListOut]:
        return [code_list_out(c) for c in await self.repository.all()]


async def load_code_lists(session: AsyncSession) -> dict[str, int]:
    repository = CodeListRepository(session)
    loaded = 0
    for entry in CODE_LISTS:
        if await repository.get(entry["id"]) is not None:
            continue
        repository.add(CodeList(id=entry["id"], title=entry["title"], source=entry["source"],
                                codes=[Code(**row) for row in code_rows(entry)]))
        await repository.flush()
        loaded += 1
    return {"code_lists": loaded}
