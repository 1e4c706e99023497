"""All SQL of code lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.codelists.models import CodeList


class CodeListRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code_list_id: str) -> CodeList | None:
        return await self.session.get(CodeList, code_list_id)

    async def all(self) -> list[CodeList]:
        return list((await self.session.scalars(select(CodeList).order_by(CodeList.id))).all())

    async def add(self, code_list: CodeList) -> None:
        self.session.add(code_list)
        await self.session.flush()
