"""Onward distribution: a recipient passes on, within its county, part of the money it received (to
municipalities, R&D units or its own projects), by a key (the same engine) or by amounts.

A distribution is an allocation whose parent is the distributor's share of another allocation, so every share
can be followed up to the funding line and the agreement. What a share may pass on is what it received: for a
share of the state's allocation, what the agency has paid out of it; for a share of a distribution, its amount.
Distributions of one share never together pass on more (the share is held while the rule is checked). Each new
share is a distribution entry in the agreement's ledger, from the distributor to the recipient.
"""

from __future__ import annotations

from datetime import date

from services.funding.allocation.engine import AllocationKey
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.recipients import resolve_recipients
from services.funding.allocation.schemas import AllocationCreate, AllocationIn, AllocationOut, ParentOut
from services.funding.allocation.service import AllocationService
from services.funding.ledger.models import EntryType
from services.funding.permissions import require_county
from services.funding.requisitions.repository import RequisitionRepository
from shared.problems import Conflict, FieldError, InvalidInput, NotFound


class DistributionService(AllocationService):
    async def _parent(self, allocation_id: str, recipient_id: str, *, for_update: bool
                      ) -> tuple[Allocation, AllocationShare]:
        parent = await self.repository.get(allocation_id)
        share = next((s for s in parent.shares if s.recipient_id == recipient_id), None) if parent else None
        if parent is None or share is None:
            raise NotFound(f"No share of {recipient_id} in allocation {allocation_id}.")
        require_county(self.caller, share.county_code, f"{recipient_id}'s share", "path.recipient_id")
        if for_update:
            await self.repository.share(allocation_id, recipient_id, for_update=True)
        return parent, share

    async def received(self, parent: Allocation, share: AllocationShare) -> int:
        if parent.parent_allocation_id is None:
            return await RequisitionRepository(self.session).paid_from(share.id)
        return share.amount_ore

    async def _split(self, parent: Allocation, share: AllocationShare, data: AllocationIn,
                     allocation_id: str | None) -> tuple[AllocationIn, AllocationOut]:
        line = await self._line(parent.agreement_id, parent.funding_line_id)
        assert self.registry is not None
        key = data.key or AllocationKey(line.allocation_key)
        resolved, source = await resolve_recipients(self.registry, data, key, date.today())
        resolved = resolved.model_copy(update={"recipients": [
            r.model_copy(update={"county_code": share.county_code}) if r.project else r
            for r in resolved.recipients]})
        errors = [FieldError(f"body.recipients.{i}.id", "within_county",
                             f"{r.name or r.id} is in county {r.county_code}; {share.recipient_id} distributes "
                             f"within county {share.county_code}.")
                  for i, r in enumerate(resolved.recipients) if r.county_code != share.county_code]
        if errors:
            raise InvalidInput(errors[0].message, errors=errors)
        remaining = await self.received(parent, share) - await self.repository.distributed_from(
            parent.id, share.recipient_id)
        answer = self._compute(line, resolved, remaining, allocation_id=allocation_id, source=source,
                               limit=("within_received", f"{share.recipient_id} has received and not passed on"))
        answer.parent = ParentOut(allocation_id=parent.id, recipient_id=share.recipient_id)
        answer.county_code = share.county_code
        return resolved, answer

    async def preview_distribution(self, allocation_id: str, recipient_id: str, data: AllocationIn
                                   ) -> AllocationOut:
        parent, share = await self._parent(allocation_id, recipient_id, for_update=False)
        return (await self._split(parent, share, data, None))[1]

    async def distribute(self, allocation_id: str, recipient_id: str, data: AllocationCreate) -> AllocationOut:
        parent, share = await self._parent(allocation_id, recipient_id, for_update=True)
        if await self.repository.get(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Allocation {data.id} exists; choose another id.")
        resolved, answer = await self._split(parent, share, data, data.id)
        assert isinstance(resolved, AllocationCreate)
        await self.save(resolved, answer, provider=share.recipient_id, entry_type=EntryType.DISTRIBUTION)
        return answer

