"""All SQL of co-financing agreements."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.funding.cofinancing.models import CoFinancingAgreement
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal


class CoFinancingRepository(Repository[CoFinancingAgreement]):
    model = CoFinancingAgreement
    noun = "co-financing agreement"

    async def search(self, *, county: str | None, after: str | None,
                     limit: int) -> tuple[Sequence[CoFinancingAgreement], int]:
        """A page of co-financing agreements in id order."""
        query = where_equal(select(CoFinancingAgreement), (CoFinancingAgreement.county_code, county))
        return await keyset_page(self.session, query, CoFinancingAgreement.id, after=after, limit=limit)

    async def hold_new(self, agreement_id: str) -> None:
        await hold(self.session, ("co_financing_agreements", agreement_id))
