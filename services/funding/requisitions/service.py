"""Requisitions' rules.

A receiver (an organisation open that day in the actor registry, with an organisation number or part of a legal
entity that has one: its payee, services/funding/registry.py), signed by a person holding a signatory post of the
payee (or of the receiver itself) that day, asks through its county system for up to what remains of its share,
on or before the funding line's last date; the requisition names the payee, and the money is paid to the payee's
organisation number while the share and its ledger entries stay the receiver's. Drafts and submitted, approved
and paid requisitions all count against the share, so together they never exceed it (the share is held while
the rule is checked, so concurrent requisitions run one after the other).
draft -> submitted (the county) -> approved -> paid (the agency: national administrators); submitted or
approved -> rejected with a reason, which gives the amount back. Submitting records a requisition entry in the
ledger, paying a disbursement, rejecting a submitted one a reversal.

Each takes effect on a day of its own (services/funding/effective.py), which dates its ledger entry: the
requisition on `requested_on` (its requisition date: the line's last requisition date, the receiver and the
signatory are judged on it; never before the allocation), the agency's decision on `decided_on` (never before the
requisition date), the payment on `paid_on` (never before the approval). A draft submitted later is booked on
the day it is submitted. Only a national administrator gives a day other than today: a county system
requisitions on the day it does so, also within the line's period (a requisition's day decides who could sign it
and whether it came in time, so only the agency records one made on an earlier day).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.repository import AgreementRepository
from services.funding.agreements.service import STATE
from services.funding.allocation.repository import AllocationRepository
from services.funding.allocation.service import allocation_share
from services.funding.audit.service import trail
from services.funding.effective import agreement_start, effective_day, not_before, today
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger
from services.funding.permissions import require_county
from services.funding.registry import Registry
from services.funding.requisitions.models import Requisition, RequisitionStatus
from services.funding.requisitions.presenter import requisition_out, requisition_snapshot
from services.funding.requisitions.repository import RequisitionRepository
from services.funding.requisitions.schemas import RequisitionIn, RequisitionOut, StepIn
from shared.authorization import require_national
from shared.identity import Principal
from shared.money import format_ore
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, InvalidInput, NotFound
from shared.records import utcnow

S = RequisitionStatus
NEXT = {"submit": ({S.DRAFT}, S.SUBMITTED), "approve": ({S.SUBMITTED}, S.APPROVED),
        "pay": ({S.APPROVED}, S.PAID), "reject": ({S.SUBMITTED, S.APPROVED}, S.REJECTED)}


class RequisitionService:
    def __init__(self, session: AsyncSession, caller: Principal, registry: Registry | None = None) -> None:
        self.session = session
        self.caller = caller
        self.registry = registry
        self.repository = RequisitionRepository(session)
        self.ledger = Ledger(session)
        self.audit = trail(session, caller)

    async def create(self, data: RequisitionIn) -> RequisitionOut:
        allocations = AllocationRepository(self.session)
        allocation, probe = await allocation_share(allocations, data.allocation_id, data.recipient_id,
                                                   from_state=True)
        require_county(self.caller, probe.county_code, f"{data.recipient_id}'s share", "body.recipient_id")
        on = effective_day(self.caller, data.requested_on, "body.requested_on", what="A requisition")
        if await self.repository.get(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Requisition {data.id} exists; choose another id.")
        agreements = AgreementRepository(self.session)
        line = await agreements.line(allocation.agreement_id, allocation.funding_line_id)
        if line is None or on > line.requisition_last_date:
            last = line.requisition_last_date.isoformat() if line else "unknown"
            if data.requested_on is not None:
                raise InvalidInput.field("body.requested_on", "before_last_requisition_date",
                                         f"{on.isoformat()} is after the funding line's last requisition date "
                                         f"({last}).")
            raise InvalidInput.field("body.allocation_id", "before_last_requisition_date",
                                     f"The funding line's last requisition date was {last}; nothing can be "
                                     "requisitioned from it any more.")
        if data.requested_on is not None:
            agreement = await agreements.get(allocation.agreement_id)
            assert agreement is not None
            not_before(on, agreement_start(agreement.first_year), "body.requested_on", "within_agreement",
                       f"agreement {agreement.id} runs from {agreement.first_year}.")
        not_before(on, allocation.allocated_on, "body.requested_on", "not_before_allocation",
                   f"allocation {allocation.id} took effect on {allocation.allocated_on}.")
        assert self.registry is not None
        receiver = await self.registry.receiver(data.recipient_id, on, "body.recipient_id")
        await self.registry.require_signatory(receiver, data.signed_by, on, "body.signed_by")
        share = await allocations.share(data.allocation_id, data.recipient_id, for_update=True)
        assert share is not None
        remaining = share.amount_ore - await self.repository.reserved_from(share.id)
        if data.amount > remaining:
            raise Conflict.field("body.amount", "within_remaining_allocation",
                                 f"{data.recipient_id} has {format_ore(remaining)} kronor left of its allocation; "
                                 f"{format_ore(data.amount)} was asked for.")
        if data.amount == 0:
            raise InvalidInput.field("body.amount", "positive", "A requisition asks for more than nothing.")
        requisition = Requisition(
            id=data.id, allocation_share_id=share.id, allocation_id=allocation.id,
            agreement_id=allocation.agreement_id, recipient_id=share.recipient_id, county_code=share.county_code,
            amount_ore=data.amount, requisition_date=on, status=S.DRAFT.value, created_by=self.caller.subject,
            created_at=utcnow(),
            signed_by=data.signed_by, receiver_org_number=receiver.org_number, payee_id=receiver.payee.id,
            payee_name=receiver.payee.name)
        self.repository.add(requisition)
        await self.repository.flush()
        self.audit.record("create", "requisition", requisition.id, county=requisition.county_code,
                          after=requisition_snapshot(requisition))
        if data.submit:
            await self._move(requisition, "submit", on=on)
        return requisition_out(requisition, remaining - data.amount)

    async def search(self, *, year: int | None, county: str | None, status: str | None, agreement: str | None,
                     recipient: str | None, paging: PageRequest) -> Page[RequisitionOut]:
        rows, count = await self.repository.search(year=year, county=county, status=status, agreement=agreement,
                                                   recipient=recipient, after=paging.after_key(str),
                                                   limit=paging.limit + 1)
        return paging.page([requisition_out(r) for r in rows], count=count, sort_key=lambda r: [r.id])

    async def read(self, requisition_id: str) -> RequisitionOut:
        return requisition_out(await self._get(requisition_id))

    async def _get(self, requisition_id: str, *, for_update: bool = False) -> Requisition:
        requisition = await self.repository.get(requisition_id, for_update=for_update)
        if requisition is None:
            raise NotFound(f"No requisition {requisition_id}.")
        return requisition

    async def transition(self, requisition_id: str, step: str, data: StepIn | None = None) -> RequisitionOut:
        requisition = await self._get(requisition_id, for_update=True)
        if step == "submit":
            require_county(self.caller, requisition.county_code, f"requisition {requisition_id}", "path.id")
        else:
            require_national(self.caller, "the agency's decision on a requisition")
        data = data or StepIn()
        for field, steps in (("decided_on", ("approve", "reject")), ("paid_on", ("pay",))):
            if getattr(data, field) is not None and step not in steps:
                raise InvalidInput.field(f"body.{field}", "day_of_step",
                                         f"{field} is the day of {' or '.join(steps)}, not of {step}.")
        self._check_step(requisition, step)
        on = today()
        if step in ("approve", "reject"):
            on = effective_day(self.caller, data.decided_on, "body.decided_on", what="The agency's decision")
            not_before(on, requisition.requisition_date, "body.decided_on", "not_before_request",
                       f"requisition {requisition.id} was made on {requisition.requisition_date}.")
        elif step == "pay":
            on = effective_day(self.caller, data.paid_on, "body.paid_on", what="A payment")
            not_before(on, requisition.decided_on, "body.paid_on", "not_before_approval",
                       f"requisition {requisition.id} was approved on {requisition.decided_on}.")
        await self._move(requisition, step, data.reason, on=on)
        return requisition_out(requisition)

    @staticmethod
    def _check_step(requisition: Requisition, step: str) -> None:
        allowed, target = NEXT[step]
        if S(requisition.status) not in allowed:
            raise Conflict.field("status", "status_transition",
                                 f"A {requisition.status} requisition cannot be {target.value}.")

    async def _move(self, requisition: Requisition, step: str, reason: str | None = None, *, on: date) -> None:
        """Takes the step on the day `on`: the date of its ledger entry."""
        self._check_step(requisition, step)
        before = requisition_snapshot(requisition)
        previous = requisition.status
        target = NEXT[step][1]
        requisition.status = target.value
        requisition.reason = reason
        requisition.version += 1
        if step in ("approve", "reject"):
            requisition.decided_on, requisition.decided_at = on, utcnow()
        elif step == "pay":
            requisition.paid_on, requisition.paid_at = on, utcnow()
        self.audit.record(step, "requisition", requisition.id, county=requisition.county_code, before=before,
                          after=requisition_snapshot(requisition))
        entry = {"submit": EntryType.REQUISITION, "pay": EntryType.DISBURSEMENT}.get(step)
        if entry is not None:
            await self.ledger.record(self.caller, agreement_id=requisition.agreement_id, entry_type=entry,
                                     amount_ore=requisition.amount_ore, provider=STATE,
                                     receiver=requisition.recipient_id, county_code=requisition.county_code,
                                     document_type="requisition", document_id=requisition.id, entry_date=on)
        if step == "reject" and previous != S.DRAFT.value:
            await self.ledger.reverse(self.caller, requisition.agreement_id, document_type="requisition",
                                      document_id=requisition.id, entry_type=EntryType.REQUISITION, entry_date=on)
        await self.session.flush()
