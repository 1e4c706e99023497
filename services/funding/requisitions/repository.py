"""All SQL of requisitions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from services.funding.requisitions.models import Requisition, RequisitionStatus
from shared.locks import hold
from shared.repository import Repository


class RequisitionRepository(Repository[Requisition]):
    model = Requisition
    noun = "requisition"

    async def get(self, requisition_id: str, *, for_update: bool = False) -> Requisition | None:
        if for_update:
            await hold(self.session, ("requisitions", requisition_id))
        return await self.session.get(Requisition, requisition_id, populate_existing=for_update)

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
