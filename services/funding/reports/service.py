"""Spending reports and repayment.

A recipient's county system reports, once per share, what the recipient spent of the money it received and did
not pass on; a report for a share that received nothing is refused. What is reported spent and what is passed on
never together exceed what was received (services/funding/allocation/account.py: the one rule, which
distributions keep too, checked while the share is held). What is left unspent becomes a repayment
claim, due on the line's report date and citing the agreement's registry number; the agency records repayments
against it, never more than is outstanding. The report's spending, the claim and each repayment are ledger
entries (their receiver column names the recipient, their provider the party owed: the state, or the
distributor for an onward distribution). Follow-up lists: shares whose report is overdue, and unpaid claims,
per county or nationally.

A report takes effect on its day (`reported_on`, services/funding/effective.py): never before the last payment
it accounts for (a distribution's share: before the distribution), and its ledger entries and the claim carry
that day; a repayment on `repaid_on`, never before its claim. Only a national administrator gives a day other
than today. The overdue list as of a date reads what had taken effect by then: the money paid by that day and the
reports made by it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.repository import AgreementRepository
from services.funding.agreements.service import STATE
from services.funding.allocation.account import share_account
from services.funding.allocation.repository import AllocationRepository
from services.funding.effective import agreement_start, effective_day, not_before
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger
from services.funding.permissions import require_county
from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.reports.repository import ReportRepository
from services.funding.reports.schemas import (
    ClaimOut,
    OverdueReport,
    OverdueReportsOut,
    RepaymentIn,
    RepaymentOut,
    ReportIn,
    ReportOut,
    UnpaidClaimsOut,
)
from services.funding.requisitions.repository import RequisitionRepository
from shared.authorization import require_national
from shared.identity import Principal
from shared.money import format_ore
from shared.problems import Conflict, InvalidInput, NotFound
from shared.records import utcnow


def claim_out(claim: RepaymentClaim, repayments: list[Repayment] | None = None) -> ClaimOut:
    return ClaimOut(id=claim.id, report_id=claim.report_id, agreement_id=claim.agreement_id,
                    registry_number=claim.registry_number, recipient_id=claim.recipient_id,
                    county_code=claim.county_code, amount=claim.amount_ore, repaid=claim.repaid_ore,
                    outstanding=claim.amount_ore - claim.repaid_ore, due_date=claim.due_date,
                    claimed_on=claim.claimed_on,
                    repayments=None if repayments is None else [
                        RepaymentOut(id=r.id, amount=r.amount_ore, repaid_on=r.paid_on, recorded_at=r.created_at)
                        for r in repayments])


def report_out(report: SpendingReport, claim: RepaymentClaim | None,
               repayments: list[Repayment] | None = None) -> ReportOut:
    return ReportOut(id=report.id, allocation_id=report.allocation_id, agreement_id=report.agreement_id,
                     recipient_id=report.recipient_id, county_code=report.county_code,
                     received=report.received_ore, passed_on=report.passed_on_ore, spent=report.spent_ore,
                     unspent=report.received_ore - report.passed_on_ore - report.spent_ore,
                     report_date=report.report_date, recorded_at=report.created_at, due_date=report.due_date,
                     late=report.report_date > report.due_date, comment=report.comment,
                     repayment_claim=claim_out(claim, repayments or []) if claim else None)


class ReportService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = ReportRepository(session)
        self.ledger = Ledger(session)

    async def create(self, data: ReportIn) -> ReportOut:
        allocations = AllocationRepository(self.session)
        allocation = await allocations.get(data.allocation_id)
        if allocation is None:
            raise InvalidInput.field("body.allocation_id", "unknown_reference", f"No allocation {data.allocation_id}.")
        share = next((s for s in allocation.shares if s.recipient_id == data.recipient_id), None)
        if share is None:
            raise InvalidInput.field("body.recipient_id", "recipient_of_allocation",
                                     f"{data.recipient_id} has no share in allocation {data.allocation_id}.")
        require_county(self.caller, share.county_code, f"{data.recipient_id}'s share", "body.recipient_id")
        on = effective_day(self.caller, data.reported_on, "body.reported_on", what="A spending report")
        account = await share_account(self.session, allocation, share, hold=True)
        if await self.repository.report(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Report {data.id} exists; choose another id.")
        if account.reported:
            raise Conflict.field("body.recipient_id", "one_report_per_share",
                                 f"{data.recipient_id} has already reported on allocation {data.allocation_id}.")
        received = account.received
        if received == 0:
            raise InvalidInput.field("body.allocation_id", "money_received",
                                     f"{data.recipient_id} has received no money from allocation "
                                     f"{data.allocation_id}: there is nothing to report on.")
        passed_on = account.passed_on
        account.require_room(data.spent, field="body.spent", what="reported spent", report=True)
        agreements = AgreementRepository(self.session)
        line = await agreements.line(allocation.agreement_id, allocation.funding_line_id)
        agreement = await agreements.get(allocation.agreement_id)
        assert line is not None and agreement is not None
        if data.reported_on is not None:
            not_before(on, agreement_start(agreement.first_year), "body.reported_on", "within_agreement",
                       f"agreement {agreement.id} runs from {agreement.first_year}.")
        if allocation.parent_allocation_id is None:
            last_paid = await RequisitionRepository(self.session).last_paid_on(share.id)
            not_before(on, last_paid, "body.reported_on", "not_before_payment",
                       f"the report accounts for the money paid to {share.recipient_id}, last on {last_paid}.")
        else:
            not_before(on, allocation.allocated_on, "body.reported_on", "not_before_payment",
                       f"the report accounts for the money distributed to {share.recipient_id} on "
                       f"{allocation.allocated_on}.")
        report = SpendingReport(
            id=data.id, allocation_share_id=share.id, allocation_id=allocation.id,
            agreement_id=allocation.agreement_id, recipient_id=share.recipient_id, county_code=share.county_code,
            received_ore=received, passed_on_ore=passed_on, spent_ore=data.spent, report_date=on,
            due_date=line.report_due_date, comment=data.comment, created_by=self.caller.subject,
            created_at=utcnow())
        unspent = received - passed_on - data.spent
        claim = None
        if unspent > 0:
            claim = RepaymentClaim(id=data.id, report_id=data.id, agreement_id=allocation.agreement_id,
                                   registry_number=agreement.registry_number, recipient_id=share.recipient_id,
                                   county_code=share.county_code, amount_ore=unspent, repaid_ore=0,
                                   due_date=line.report_due_date, claimed_on=on)
        await self.repository.add(report)
        if claim is not None:
            await self.repository.add(claim)  # after its report: the claim refers to it
        owed_to = allocation.parent_recipient_id or STATE
        for entry_type, amount in ((EntryType.EXPENDITURE, data.spent), (EntryType.REPAYMENT_CLAIM, unspent)):
            if amount:
                await self.ledger.record(self.caller, agreement_id=allocation.agreement_id, entry_type=entry_type,
                                         amount_ore=amount, provider=owed_to, receiver=share.recipient_id,
                                         county_code=share.county_code, document_type="spending_report",
                                         document_id=data.id, entry_date=on)
        return report_out(report, claim, [])

    async def read(self, report_id: str) -> ReportOut:
        report = await self.repository.report(report_id)
        if report is None:
            raise NotFound(f"No spending report {report_id}.")
        claim = await self.repository.claim_of_report(report_id)
        return report_out(report, claim, await self.repository.repayments_of(claim.id) if claim else None)

    async def claim(self, claim_id: str) -> ClaimOut:
        claim = await self.repository.claim(claim_id)
        if claim is None:
            raise NotFound(f"No repayment claim {claim_id}.")
        return claim_out(claim, await self.repository.repayments_of(claim.id))

    async def repay(self, claim_id: str, data: RepaymentIn) -> ClaimOut:
        require_national(self.caller, "a repayment (the agency records what it received)")
        claim = await self.repository.claim(claim_id, for_update=True)
        if claim is None:
            raise NotFound(f"No repayment claim {claim_id}.")
        if await self.repository.repayment(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Repayment {data.id} exists; choose another id.")
        if data.amount == 0:
            raise InvalidInput.field("body.amount", "positive", "A repayment is more than nothing.")
        on = effective_day(self.caller, data.repaid_on, "body.repaid_on", what="A repayment")
        not_before(on, claim.claimed_on, "body.repaid_on", "not_before_claim",
                   f"claim {claim.id} was made on {claim.claimed_on}: a repayment dated before its claim is refused.")
        outstanding = claim.amount_ore - claim.repaid_ore
        if data.amount > outstanding:
            raise Conflict.field("body.amount", "within_outstanding",
                                 f"{format_ore(outstanding)} kronor is outstanding on claim {claim_id}; "
                                 f"{format_ore(data.amount)} was recorded.")
        claim.repaid_ore += data.amount
        claim.version += 1
        await self.repository.add(Repayment(id=data.id, claim_id=claim.id, amount_ore=data.amount, paid_on=on,
                                            created_at=utcnow(), created_by=self.caller.subject))
        report = await self.repository.report(claim.report_id)
        allocation = await AllocationRepository(self.session).get(report.allocation_id) if report else None
        await self.ledger.record(self.caller, agreement_id=claim.agreement_id, entry_type=EntryType.REPAYMENT,
                                 amount_ore=data.amount,
                                 provider=(allocation.parent_recipient_id if allocation else None) or STATE,
                                 receiver=claim.recipient_id, county_code=claim.county_code,
                                 document_type="repayment", document_id=data.id, entry_date=on)
        return claim_out(claim, await self.repository.repayments_of(claim.id))

    async def overdue_reports(self, as_of: date, county: str | None) -> OverdueReportsOut:
        rows = await self.repository.overdue_reports(as_of, county)
        return OverdueReportsOut(as_of=as_of, county=county, items=[
            OverdueReport(agreement_id=r.agreement_id, registry_number=r.registry_number,
                          allocation_id=r.allocation_id, recipient_id=r.recipient_id, name=r.name,
                          county_code=r.county_code, received=int(r.received), due_date=r.due_date) for r in rows])

    async def unpaid_claims(self, county: str | None) -> UnpaidClaimsOut:
        claims = [claim_out(c) for c in await self.repository.unpaid_claims(county)]
        return UnpaidClaimsOut(county=county, outstanding=sum(c.outstanding for c in claims), items=claims)
