"""All SQL of the exports: a table's shares with their agreement and line, and the ledger's sums per share."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from services.funding.agreements.models import Agreement, FundingLine
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.ledger.models import LedgerEntry
from services.funding.ledger.repository import kind_of_entry, signed_amount
from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.requisitions.models import Requisition
from shared.repository import Repository


class ExportRepository(Repository[AllocationShare]):
    model = AllocationShare
    noun = "share"

    async def shares(self, *, agreement_id: str | None = None, county: str | None = None) -> list[Any]:
        """Every share of the agreement's allocations and distributions (or of one county's recipients in every
        agreement), with the agreement, the funding line and the parent share it splits."""
        query = (select(Agreement.id.label("agreement_id"), Agreement.registry_number, FundingLine.area,
                        FundingLine.year, Allocation.id.label("allocation_id"), Allocation.parent_allocation_id,
                        Allocation.parent_recipient_id, AllocationShare.recipient_id, AllocationShare.recipient_name,
                        AllocationShare.county_code, AllocationShare.basis, AllocationShare.amount_ore)
                 .join(Allocation, Allocation.id == AllocationShare.allocation_id)
                 .join(FundingLine, FundingLine.id == Allocation.funding_line_id)
                 .join(Agreement, Agreement.id == Allocation.agreement_id)
                 .order_by(Agreement.id, FundingLine.year, FundingLine.area, Allocation.created_at, Allocation.id,
                           AllocationShare.position))
        if agreement_id is not None:
            query = query.where(Allocation.agreement_id == agreement_id)
        if county is not None:
            query = query.where(AllocationShare.county_code == county)
        return list((await self.session.execute(query)).all())

    async def share_sums(self, as_of: date, *, agreement_id: str | None = None, county: str | None = None
                         ) -> list[tuple[str | None, str, str, int]]:
        """(allocation id, recipient, entry type, net amount) of the ledger's entries up to `as_of`, in one
        GROUP BY: each entry is traced to its allocation through its document (an allocation itself, a
        requisition, a spending report, a repayment of a report's claim), and summed like the balances."""
        report_of_repayment = aliased(SpendingReport)
        document = LedgerEntry.document_type
        allocation = func.coalesce(
            case((document == "allocation", LedgerEntry.document_id)), Requisition.allocation_id,
            SpendingReport.allocation_id, report_of_repayment.allocation_id)
        kind = kind_of_entry()
        query = (select(allocation.label("allocation_id"), LedgerEntry.receiver, kind.label("kind"),
                        func.sum(signed_amount()).label("total"))
                 .outerjoin(Requisition, and_(document == "requisition", Requisition.id == LedgerEntry.document_id))
                 .outerjoin(SpendingReport, and_(document == "spending_report",
                                                 SpendingReport.id == LedgerEntry.document_id))
                 .outerjoin(Repayment, and_(document == "repayment", Repayment.id == LedgerEntry.document_id))
                 .outerjoin(RepaymentClaim, RepaymentClaim.id == Repayment.claim_id)
                 .outerjoin(report_of_repayment, report_of_repayment.id == RepaymentClaim.report_id)
                 .where(LedgerEntry.entry_date <= as_of, document != "funding_line")
                 .group_by(allocation, LedgerEntry.receiver, kind))
        if agreement_id is not None:
            query = query.where(LedgerEntry.agreement_id == agreement_id)
        if county is not None:
            query = query.where(LedgerEntry.county_code == county)
        return [(row.allocation_id, row.receiver, row.kind, int(row.total))
                for row in (await self.session.execute(query)).all()]
