"""How spending reports, repayment claims and repayments and the follow-up lists are answered, and what the audit
trail keeps of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.funding.reports.models import Repayment, RepaymentClaim, SpendingReport
from services.funding.reports.schemas import (
    ClaimOut,
    OverdueReport,
    OverdueReportsOut,
    RepaymentOut,
    ReportOut,
    UnpaidClaimsOut,
)


def repayment_out(repayment: Repayment) -> RepaymentOut:
    return RepaymentOut(id=repayment.id, amount=repayment.amount_ore, repaid_on=repayment.paid_on,
                        recorded_at=repayment.created_at)


def claim_out(claim: RepaymentClaim, repayments: list[Repayment] | None = None) -> ClaimOut:
    """`repayments`: None in lists (the answer's repayments are null then)."""
    return ClaimOut(id=claim.id, report_id=claim.report_id, agreement_id=claim.agreement_id,
                    registry_number=claim.registry_number, recipient_id=claim.recipient_id,
                    county_code=claim.county_code, amount=claim.amount_ore, repaid=claim.repaid_ore,
                    outstanding=claim.amount_ore - claim.repaid_ore, due_date=claim.due_date,
                    claimed_on=claim.claimed_on,
                    repayments=None if repayments is None else [repayment_out(r) for r in repayments])


def report_out(report: SpendingReport, claim: RepaymentClaim | None,
               repayments: list[Repayment] | None = None) -> ReportOut:
    """`repayments`: None in lists (the claim's repayments are null then)."""
    return ReportOut(id=report.id, allocation_id=report.allocation_id, agreement_id=report.agreement_id,
                     recipient_id=report.recipient_id, county_code=report.county_code,
                     received=report.received_ore, passed_on=report.passed_on_ore, spent=report.spent_ore,
                     unspent=report.received_ore - report.passed_on_ore - report.spent_ore,
                     report_date=report.report_date, recorded_at=report.created_at, due_date=report.due_date,
                     late=report.report_date > report.due_date, comment=report.comment,
                     repayment_claim=claim_out(claim, repayments) if claim else None)


def overdue_reports_out(as_of: date, county: str | None, rows: list[Any]) -> OverdueReportsOut:
    """The overdue list from its rows (the reports repository's overdue_reports)."""
    return OverdueReportsOut(as_of=as_of, county=county, items=[
        OverdueReport(agreement_id=r.agreement_id, registry_number=r.registry_number,
                      allocation_id=r.allocation_id, recipient_id=r.recipient_id, name=r.name,
                      county_code=r.county_code, received=int(r.received), due_date=r.due_date) for r in rows])


def unpaid_claims_out(county: str | None, claims: list[RepaymentClaim]) -> UnpaidClaimsOut:
    items = [claim_out(c) for c in claims]
    return UnpaidClaimsOut(county=county, outstanding=sum(c.outstanding for c in items), items=items)


def report_snapshot(report: SpendingReport) -> dict[str, Any]:
    """A spending report as the audit trail keeps it: its share, what it accounts for (öre) and its days."""
    return {"allocation_id": report.allocation_id, "agreement_id": report.agreement_id,
            "recipient_id": report.recipient_id, "received_ore": report.received_ore,
            "passed_on_ore": report.passed_on_ore, "spent_ore": report.spent_ore,
            "report_date": report.report_date.isoformat(), "due_date": report.due_date.isoformat()}


def claim_snapshot(claim: RepaymentClaim) -> dict[str, Any]:
    return {"report_id": claim.report_id, "agreement_id": claim.agreement_id, "recipient_id": claim.recipient_id,
            "amount_ore": claim.amount_ore, "repaid_ore": claim.repaid_ore, "due_date": claim.due_date.isoformat(),
            "claimed_on": claim.claimed_on.isoformat() if claim.claimed_on else None}


def repayment_snapshot(repayment: Repayment) -> dict[str, Any]:
    return {"claim_id": repayment.claim_id, "amount_ore": repayment.amount_ore,
            "repaid_on": repayment.paid_on.isoformat()}
