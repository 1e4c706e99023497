"""All SQL of requisitions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select

from services.funding.allocation.repository import allocations_of_year
from services.funding.requisitions.models import Requisition, RequisitionStatus
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal


class RequisitionRepository(Repository[Requisition]):
    model = Requisition
    noun = "requisition"

    async def get(self, requisition_id: str, *, for_update: bool = False) -> Requisition | None:
        if for_update:
            await hold(self.session, ("requisitions", requisition_id))
        return await self.session.get(Requisition, requisition_id, populate_existing=for_update)

    async def search(self, *, year: int | None, county: str | None, status: str | None, agreement: str | None,
                     recipient: str | None, after: str | None, limit: int) -> tuple[Sequence[Requisition], int]:
        """A page of requisitions in id order; `year`: of that year's funding lines."""
        query = where_equal(select(Requisition), (Requisition.county_code, county), (Requisition.status, status),
                            (Requisition.agreement_id, agreement), (Requisition.recipient_id, recipient))
        if year is not None:
            query = query.where(Requisition.allocation_id.in_(allocations_of_year(year)))
        return await keyset_page(self.session, query, Requisition.id, after=after, limit=limit)

    async def reserved_from(self, share_id: int) -> int:
        """What the share's requisitions, rejected ones aside, take from it."""
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(Requisition.amount_ore), 0))
            .where(Requisition.allocation_share_id == share_id,
                   Requisition.status != RequisitionStatus.REJECTED.value)))

    async def paid_from(self, share_id: int, as_of: date | None = None) -> int:
        """What the agency has paid out of the share (by `as_of`: paid on or before that day; a payment made
        before its day was kept counts on every day)."""
        query = (select(func.coalesce(func.sum(Requisition.amount_ore), 0))
                 .where(Requisition.allocation_share_id == share_id,
                        Requisition.status == RequisitionStatus.PAID.value))
        if as_of is not None:
            query = query.where(or_(Requisition.paid_on.is_(None), Requisition.paid_on <= as_of))
        return int(await self.session.scalar(query))

    async def last_paid_on(self, share_id: int) -> date | None:
        """The day of the share's last payment (None: none, or none with its day kept)."""
        return await self.session.scalar(
            select(func.max(Requisition.paid_on))
            .where(Requisition.allocation_share_id == share_id, Requisition.status == RequisitionStatus.PAID.value))
