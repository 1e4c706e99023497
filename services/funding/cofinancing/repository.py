"""All SQL of co-financing agreements."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.cofinancing.models import CoFinancingAgreement
from shared.locks import hold


class CoFinancingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, agreement_id: str) -> CoFinancingAgreement | None:
        return await self.session.get(CoFinancingAgreement, agreement_id)

    async def hold_new(self, agreement_id: str) -> None:
        await hold(self.session, ("co_financing_agreements", agreement_id))

    async def add(self, record: CoFinancingAgreement) -> None:
        self.session.add(record)
        await self.session.flush()
