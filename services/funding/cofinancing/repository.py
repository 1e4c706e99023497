"""All SQL of co-financing agreements."""

from __future__ import annotations

from services.funding.cofinancing.models import CoFinancingAgreement
from shared.locks import hold
from shared.repository import Repository


class CoFinancingRepository(Repository[CoFinancingAgreement]):
    model = CoFinancingAgreement
    noun = "co-financing agreement"

    async def hold_new(self, agreement_id: str) -> None:
        await hold(self.session, ("co_financing_agreements", agreement_id))
