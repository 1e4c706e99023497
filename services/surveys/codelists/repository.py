"""All SQL of code lists."""

from __future__ import annotations

from sqlalchemy import select

from services.surveys.codelists.models import CodeList
from shared.repository import Repository


class CodeListRepository(Repository[CodeList]):
    model = CodeList
    noun = "code list"

    async def all(self) -> list[CodeList]:
        return list((await self.session.scalars(select(CodeList).order_by(CodeList.id))).all())
