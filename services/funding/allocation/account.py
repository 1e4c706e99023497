"""What one share received and what became of it, and the rule that ties them: the money a share passed on
(its onward distributions) and the money its spending report accounted for (spent, and the unspent rest claimed
back) together never exceed what it received. Without the rule the same krona could be reported spent and also
passed on, or owed back and also passed on.

Received: for a share of the state's allocation, what the agency has paid out of it; for a share of a
distribution, its amount. A spending report is the share's final account: it reports what was spent of what was
received and not passed on, and makes the rest a repayment claim, so once it is made a distribution can pass on
only money received after it.

Both writers that draw on the account (a distribution of the share and its spending report) hold the share
first, as requisitions do (AllocationRepository.share with for_update), and read the account after: whichever
comes second reads what the first stored and is refused when together they would exceed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.repository import AllocationRepository
from services.funding.reports.repository import ReportRepository
from services.funding.requisitions.repository import RequisitionRepository
from shared.money import format_ore
from shared.problems import Conflict, InvalidInput

RULE = "within_received"


@dataclass(frozen=True)
class ShareAccount:
    recipient_id: str
    received: int  # öre
    passed_on: int  # what onward distributions of the share passed on
    reported_spent: int  # what its spending report says was spent (0 before the report)
    reported_unspent: int  # what the report claimed back as unspent
    reported: bool  # whether the share has its spending report

    @property
    def open(self) -> int:
        """What the share received and has neither passed on nor accounted for in its report."""
        return self.received - self.passed_on - self.reported_spent - self.reported_unspent

    def figures(self) -> str:
        text = f"{self.recipient_id} received {format_ore(self.received)} kronor and passed " \
               f"{format_ore(self.passed_on)} on"
        if self.reported:
            text += f"; its spending report says {format_ore(self.reported_spent)} was spent"
            if self.reported_unspent:
                text += f" and {format_ore(self.reported_unspent)} is to be repaid"
        return text

    def require_room(self, amount: int, *, field: str, what: str, report: bool) -> None:
        """Refuses `amount` more passed on (`report` false) or reported spent (`report` true) when it would take
        the share past what it received, naming the rule and the figures. A report that says more was spent than
        is left cannot be true, and a distribution of money the report has accounted for neither: 422. A
        distribution of money that other distributions took is a conflict with them (409), as over a line."""
        if amount <= self.open:
            return
        message = f"{self.figures()}: {format_ore(max(self.open, 0))} kronor of it is left, less than the " \
                  f"{format_ore(amount)} {what}. What is passed on and what is reported spent never exceed what " \
                  "was received."
        amounts = {"received": format_ore(self.received), "passed_on": format_ore(self.passed_on),
                   "reported_spent": format_ore(self.reported_spent),
                   "reported_unspent": format_ore(self.reported_unspent), "asked": format_ore(amount)}
        if report or self.reported:
            raise InvalidInput.field(field, RULE, message, amounts=amounts)
        raise Conflict.field(field, RULE, message, amounts=amounts)


async def received(session: AsyncSession, allocation: Allocation, share: AllocationShare,
                   as_of: date | None = None) -> int:
    """What the share received (by `as_of`: paid on or before that day)."""
    if allocation.parent_allocation_id is None:
        return await RequisitionRepository(session).paid_from(share.id, as_of)
    return share.amount_ore


async def share_account(session: AsyncSession, allocation: Allocation, share: AllocationShare, *,
                        hold: bool, as_of: date | None = None) -> ShareAccount:
    """The share's account; `hold`: the share is held until the transaction ends before anything is read (a
    writer that draws on it); `as_of`: what it had received by that day (a distribution passes on only that)."""
    allocations = AllocationRepository(session)
    if hold:
        await allocations.share(allocation.id, share.recipient_id, for_update=True)
    report = await ReportRepository(session).report_of_share(allocation.id, share.recipient_id)
    spent = report.spent_ore if report else 0
    unspent = report.received_ore - report.passed_on_ore - report.spent_ore if report else 0
    return ShareAccount(recipient_id=share.recipient_id,
                        received=await received(session, allocation, share, as_of),
                        passed_on=await allocations.distributed_from(allocation.id, share.recipient_id),
                        reported_spent=spent, reported_unspent=unspent, reported=report is not None)
