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
from services.funding.allocation.service import allocation_share
from services.funding.audit.service import trail
from services.funding.effective import agreement_start, effective_day, not_before
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger
from services.funding.permissions import require_county
from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.reports.presenter import (
    claim_out,
    claim_snapshot,
    overdue_reports_out,
    repayment_snapshot,
    report_out,
    report_snapshot,
    unpaid_claims_out,
)
from services.funding.reports.repository import ReportRepository
from services.funding.reports.schemas import (
    ClaimOut,
    OverdueReportsOut,
    RepaymentIn,
    ReportIn,
    ReportOut,
    UnpaidClaimsOut,
)
from services.funding.requisitions.repository import RequisitionRepository
from shared.authorization import require_national
from shared.identity import Principal
from shared.money import format_ore
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, InvalidInput, NotFound
from shared.records import utcnow


class ReportService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = ReportRepository(session)
        self.ledger = Ledger(session)
        self.audit = trail(session, caller)

    async def create(self, data: ReportIn) -> ReportOut:
        allocation, share = await allocation_share(AllocationRepository(self.session), data.allocation_id,
                                                   data.recipient_id)
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
        self.repository.add(report)
        await self.repository.flush()
        self.audit.record("report", "spending_report", report.id, county=report.county_code,
                          after=report_snapshot(report))
        if claim is not None:
            self.repository.add_claim(claim)  # after its report: the claim refers to it
            await self.repository.flush()
            self.audit.record("claim", "repayment_claim", claim.id, county=claim.county_code,
                              after=claim_snapshot(claim))
        owed_to = allocation.parent_recipient_id or STATE
        for entry_type, amount in ((EntryType.EXPENDITURE, data.spent), (EntryType.REPAYMENT_CLAIM, unspent)):
            if amount:
                await self.ledger.record(self.caller, agreement_id=allocation.agreement_id, entry_type=entry_type,
                                         amount_ore=amount, provider=owed_to, receiver=share.recipient_id,
                                         county_code=share.county_code, document_type="spending_report",
                                         document_id=data.id, entry_date=on)
        return report_out(report, claim, [])

    async def search(self, *, year: int | None, county: str | None, agreement: str | None, recipient: str | None,
                     paging: PageRequest) -> Page[ReportOut]:
        rows, count = await self.repository.search(year=year, county=county, agreement=agreement,
                                                   recipient=recipient, after=paging.after_key(str),
                                                   limit=paging.limit + 1)
        claims = await self.repository.claims_of_reports([r.id for r in rows])
        return paging.page([report_out(r, claims.get(r.id)) for r in rows], count=count, sort_key=lambda r: [r.id])

    async def claims(self, *, year: int | None, county: str | None, agreement: str | None, recipient: str | None,
                     paging: PageRequest) -> Page[ClaimOut]:
        rows, count = await self.repository.search_claims(year=year, county=county, agreement=agreement,
                                                          recipient=recipient, after=paging.after_key(str),
                                                          limit=paging.limit + 1)
        return paging.page([claim_out(c) for c in rows], count=count, sort_key=lambda c: [c.id])

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
        before = claim_snapshot(claim)
        claim.repaid_ore += data.amount
        claim.version += 1
        repayment = Repayment(id=data.id, claim_id=claim.id, amount_ore=data.amount, paid_on=on,
                              created_at=utcnow(), created_by=self.caller.subject)
        self.repository.add_repayment(repayment)
        await self.repository.flush()
        self.audit.record("repay", "repayment", repayment.id, county=claim.county_code,
                          after=repayment_snapshot(repayment))
        self.audit.record("repay", "repayment_claim", claim.id, county=claim.county_code, before=before,
                          after=claim_snapshot(claim))
        report = await self.repository.report(claim.report_id)
        allocation = await AllocationRepository(self.session).get(report.allocation_id) if report else None
        await self.ledger.record(self.caller, agreement_id=claim.agreement_id, entry_type=EntryType.REPAYMENT,
                                 amount_ore=data.amount,
                                 provider=(allocation.parent_recipient_id if allocation else None) or STATE,
                                 receiver=claim.recipient_id, county_code=claim.county_code,
                                 document_type="repayment", document_id=data.id, entry_date=on)
        return claim_out(claim, await self.repository.repayments_of(claim.id))

    async def overdue_reports(self, as_of: date, county: str | None) -> OverdueReportsOut:
        return overdue_reports_out(as_of, county, await self.repository.overdue_reports(as_of, county))

    async def unpaid_claims(self, county: str | None) -> UnpaidClaimsOut:
        return unpaid_claims_out(county, await self.repository.unpaid_claims(county))
