"""All SQL of spending reports, repayment claims and repayments, and of the follow-up lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select

from services.funding.agreements.models import Agreement, FundingLine
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.repository import allocations_of_year
from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.requisitions.models import Requisition, RequisitionStatus
from shared.locks import hold
from shared.pagination import keyset_page
from shared.repository import Repository, where_equal

LIST_LIMIT = 500


class ReportRepository(Repository[SpendingReport]):
    model = SpendingReport
    noun = "spending report"

    async def report(self, report_id: str) -> SpendingReport | None:
        return await self.session.get(SpendingReport, report_id)

    async def report_of_share(self, allocation_id: str, recipient_id: str) -> SpendingReport | None:
        return await self.session.scalar(select(SpendingReport).where(
            SpendingReport.allocation_id == allocation_id, SpendingReport.recipient_id == recipient_id))

    async def search(self, *, year: int | None, county: str | None, agreement: str | None, recipient: str | None,
                     after: str | None, limit: int) -> tuple[Sequence[SpendingReport], int]:
        """A page of spending reports in id order; `year`: of that year's funding lines."""
        query = where_equal(select(SpendingReport), (SpendingReport.county_code, county),
                            (SpendingReport.agreement_id, agreement), (SpendingReport.recipient_id, recipient))
        if year is not None:
            query = query.where(SpendingReport.allocation_id.in_(allocations_of_year(year)))
        return await keyset_page(self.session, query, SpendingReport.id, after=after, limit=limit)

    async def search_claims(self, *, year: int | None, county: str | None, agreement: str | None,
                            recipient: str | None, after: str | None,
                            limit: int) -> tuple[Sequence[RepaymentClaim], int]:
        """A page of repayment claims in id order; `year`: of reports on that year's funding lines."""
        query = where_equal(select(RepaymentClaim), (RepaymentClaim.county_code, county),
                            (RepaymentClaim.agreement_id, agreement), (RepaymentClaim.recipient_id, recipient))
        if year is not None:
            query = query.where(RepaymentClaim.report_id.in_(
                select(SpendingReport.id).where(SpendingReport.allocation_id.in_(allocations_of_year(year)))))
        return await keyset_page(self.session, query, RepaymentClaim.id, after=after, limit=limit)

    async def claims_of_reports(self, report_ids: list[str]) -> dict[str, RepaymentClaim]:
        """The claims the reports gave rise to, by report id; one query however many reports."""
        if not report_ids:
            return {}
        claims = await self.session.scalars(select(RepaymentClaim).where(RepaymentClaim.report_id.in_(report_ids)))
        return {claim.report_id: claim for claim in claims}

    async def claim_of_report(self, report_id: str) -> RepaymentClaim | None:
        return await self.session.scalar(select(RepaymentClaim).where(RepaymentClaim.report_id == report_id))

    async def claim(self, claim_id: str, *, for_update: bool = False) -> RepaymentClaim | None:
        if for_update:
            await hold(self.session, ("repayment_claims", claim_id))
        return await self.session.get(RepaymentClaim, claim_id, populate_existing=for_update)

    async def repayment(self, repayment_id: str) -> Repayment | None:
        return await self.session.get(Repayment, repayment_id)

    async def repayments_of(self, claim_id: str) -> list[Repayment]:
        return list((await self.session.scalars(select(Repayment).where(Repayment.claim_id == claim_id)
                                                .order_by(Repayment.paid_on, Repayment.created_at, Repayment.id)))
                    .all())

    def add_claim(self, claim: RepaymentClaim) -> RepaymentClaim:
        self.session.add(claim)
        return claim

    def add_repayment(self, repayment: Repayment) -> Repayment:
        self.session.add(repayment)
        return repayment

    async def overdue_reports(self, as_of: date, county: str | None) -> list[Any]:
        """Shares that had received money by `as_of`, whose line's report date had passed then, without a report
        made by then (each fact by the day it took effect; one made before its day was kept counts every day)."""
        paid = (select(func.coalesce(func.sum(Requisition.amount_ore), 0))
                .where(Requisition.allocation_share_id == AllocationShare.id,
                       Requisition.status == RequisitionStatus.PAID.value,
                       or_(Requisition.paid_on.is_(None), Requisition.paid_on <= as_of)).scalar_subquery())
        distributed = or_(Allocation.allocated_on.is_(None), Allocation.allocated_on <= as_of)
        received = case((Allocation.parent_allocation_id.is_(None), paid),
                        (distributed, AllocationShare.amount_ore), else_=0)
        reported = exists().where(and_(SpendingReport.allocation_share_id == AllocationShare.id,
                                       SpendingReport.report_date <= as_of))
        query = (select(Allocation.agreement_id, Agreement.registry_number, AllocationShare.allocation_id,
                        AllocationShare.recipient_id, AllocationShare.recipient_name.label("name"),
                        AllocationShare.county_code, received.label("received"),
                        FundingLine.report_due_date.label("due_date"))
                 .join(Allocation, Allocation.id == AllocationShare.allocation_id)
                 .join(FundingLine, FundingLine.id == Allocation.funding_line_id)
                 .join(Agreement, Agreement.id == Allocation.agreement_id)
                 .where(FundingLine.report_due_date < as_of, ~reported, received > 0)
                 .order_by(FundingLine.report_due_date, AllocationShare.allocation_id, AllocationShare.recipient_id)
                 .limit(LIST_LIMIT))
        if county is not None:
            query = query.where(AllocationShare.county_code == county)
        return list((await self.session.execute(query)).all())

    async def unpaid_claims(self, county: str | None) -> list[RepaymentClaim]:
        query = (select(RepaymentClaim).where(RepaymentClaim.repaid_ore < RepaymentClaim.amount_ore)
                 .order_by(RepaymentClaim.due_date, RepaymentClaim.id).limit(LIST_LIMIT))
        if county is not None:
            query = query.where(RepaymentClaim.county_code == county)
        return list((await self.session.scalars(query)).all())
