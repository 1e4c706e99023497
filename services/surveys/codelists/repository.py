"""All SQL of code lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.surveys.codelists.models import CodeList
from shared.pagination import keyset_page
from shared.repository import Repository


class CodeListRepository(Repository[CodeList]):
    model = CodeList
    noun = "code list"

    async def search(self, *, after: str | None, limit: int) -> tuple[Sequence[CodeList], int]:
        return await keyset_page(self.session, select(CodeList), CodeList.id, after=after, limit=limit)

    async def all(self) -> list[CodeList]:
        return list((await self.session.scalars(select(CodeList).order_by(CodeList.id))).all())
