"""Onward distribution: a recipient passes on, within its county, part of the money it received (to
municipalities, R&D units or its own projects), by a key (the same engine) or by amounts.

A distribution is an allocation whose parent is the distributor's share of another allocation, so every share
can be followed up to the funding line and the agreement. What a share may pass on is what it received and has
neither passed on nor accounted for in its spending report (services/funding/allocation/account.py: one rule for
distributions and reports, checked while the share is held). Each new share is a distribution entry in the
agreement's ledger, from the distributor to the recipient.

A distribution takes effect on a day of its own (`allocated_on`, services/funding/effective.py), never before
the share it passes on was allocated, and passes on only what the share had received by that day.

Every row stays in the distributor's county, set-asides as much as the rows the key splits: its recipient is
in that county (a municipality, a receiver of the county, or a project of the distributor's own) or is a body
without a county (a national one, such as SKR); each row is booked in the distributor's county, so what the
county passes on is all in its own figures, never under no county or under another county's.
"""

from __future__ import annotations

from datetime import date

from services.funding.allocation.account import ShareAccount, share_account
from services.funding.allocation.engine import AllocationKey
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.presenter import parent_out
from services.funding.allocation.recipients import resolve_recipients
from services.funding.allocation.schemas import AllocationCreate, AllocationIn, AllocationOut, RecipientIn
from services.funding.allocation.service import AllocationService
from services.funding.effective import not_before
from services.funding.ledger.models import EntryType
from services.funding.permissions import require_county
from shared.problems import Conflict, FieldError, InvalidInput, NotFound


def in_county(data: AllocationIn, county_code: str | None, distributor: str) -> AllocationIn:
    """The request's rows, each with the distributor's county (a project's, and a county-less body's), or 422
    within_county naming every row whose recipient is in another county: the recipient's id, or a set-aside's
    recipient."""
    rows = [(f"body.recipients.{i}.id", r) for i, r in enumerate(data.recipients)] + \
           [(f"body.set_asides.{i}.recipient", s.recipient) for i, s in enumerate(data.set_asides)]
    errors = [FieldError(field, "within_county",
                         f"{r.name or r.id} is in county {r.county_code}; {distributor} distributes within county "
                         f"{county_code}, to its county's organisations, its own projects and bodies without a "
                         "county.")
              for field, r in rows if not r.project and r.county_code is not None and r.county_code != county_code]
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)

    def booked(recipient: RecipientIn) -> RecipientIn:
        if recipient.project or recipient.county_code is None:
            return recipient.model_copy(update={"county_code": county_code})
        return recipient

    return data.model_copy(update={
        "recipients": [booked(r) for r in data.recipients],
        "set_asides": [s.model_copy(update={"recipient": booked(s.recipient)}) for s in data.set_asides]})


class DistributionService(AllocationService):
    async def _parent(self, allocation_id: str, recipient_id: str) -> tuple[Allocation, AllocationShare]:
        parent = await self.repository.get(allocation_id)
        share = next((s for s in parent.shares if s.recipient_id == recipient_id), None) if parent else None
        if parent is None or share is None:
            raise NotFound(f"No share of {recipient_id} in allocation {allocation_id}.")
        require_county(self.caller, share.county_code, f"{recipient_id}'s share", "path.recipient_id")
        return parent, share

    async def _distributed_on(self, parent: Allocation, data: AllocationIn) -> date:
        """The day the distribution takes effect (services/funding/effective.py): not before the share it passes
        on was allocated."""
        line = await self._line(parent.agreement_id, parent.funding_line_id)
        on = await self._allocated_on(line, data, what="A distribution")
        not_before(on, parent.allocated_on, "body.allocated_on", "not_before_allocation",
                   f"the share it passes on was allocated (allocation {parent.id}) on {parent.allocated_on}.")
        return on

    async def _split(self, parent: Allocation, share: AllocationShare, data: AllocationIn,
                     allocation_id: str | None, account: ShareAccount, on: date) -> tuple[AllocationIn, AllocationOut]:
        line = await self._line(parent.agreement_id, parent.funding_line_id)
        assert self.registry is not None
        key = data.key or AllocationKey(line.allocation_key)
        resolved, source, payees = await resolve_recipients(self.registry, data, key, on)
        resolved = in_county(resolved, share.county_code, share.recipient_id)
        open_ = max(account.open, 0)
        account.require_room(open_ if data.total is None else data.total, field="body.total",
                             what="to be passed on", report=False)
        answer = self._compute(line, resolved, open_, allocation_id=allocation_id, source=source, payees=payees, on=on,
                               limit=("within_received", f"{share.recipient_id} has received and not passed on"),
                               parent=parent_out(parent.id, share.recipient_id), county_code=share.county_code)
        return resolved, answer

    async def preview_distribution(self, allocation_id: str, recipient_id: str, data: AllocationIn
                                   ) -> AllocationOut:
        parent, share = await self._parent(allocation_id, recipient_id)
        on = await self._distributed_on(parent, data)
        account = await share_account(self.session, parent, share, hold=False, as_of=on)
        return (await self._split(parent, share, data, None, account, on))[1]

    async def distribute(self, allocation_id: str, recipient_id: str, data: AllocationCreate) -> AllocationOut:
        parent, share = await self._parent(allocation_id, recipient_id)
        on = await self._distributed_on(parent, data)
        account = await share_account(self.session, parent, share, hold=True, as_of=on)
        if await self.repository.get(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Allocation {data.id} exists; choose another id.")
        resolved, answer = await self._split(parent, share, data, data.id, account, on)
        assert isinstance(resolved, AllocationCreate)
        await self.save(resolved, answer, provider=share.recipient_id, entry_type=EntryType.DISTRIBUTION)
        return answer
