"""How a requisition is answered, and what the audit trail keeps of it at each step."""

from __future__ import annotations

from typing import Any

from services.funding.allocation.presenter import payee_out
from services.funding.requisitions.models import Requisition
from services.funding.requisitions.schemas import RequisitionOut


def requisition_out(r: Requisition, remaining_after: int | None = None) -> RequisitionOut:
    return RequisitionOut(id=r.id, allocation_id=r.allocation_id, agreement_id=r.agreement_id,
                          recipient_id=r.recipient_id, county_code=r.county_code, amount=r.amount_ore,
                          requisition_date=r.requisition_date, recorded_at=r.created_at, status=r.status,
                          reason=r.reason, decided_on=r.decided_on, decision_recorded_at=r.decided_at,
                          paid_on=r.paid_on, payment_recorded_at=r.paid_at,
                          signed_by=r.signed_by, receiver_org_number=r.receiver_org_number,
                          payee=payee_out(r.payee_id, r.payee_name, r.receiver_org_number),
                          remaining_after=remaining_after)


def requisition_snapshot(r: Requisition) -> dict[str, Any]:
    """The requisition as the audit trail keeps it: its share, amount (öre), status and the days of its steps."""
    return {"allocation_id": r.allocation_id, "agreement_id": r.agreement_id, "recipient_id": r.recipient_id,
            "amount_ore": r.amount_ore, "status": r.status, "reason": r.reason, "signed_by": r.signed_by,
            "payee_id": r.payee_id, "receiver_org_number": r.receiver_org_number,
            "requisition_date": r.requisition_date.isoformat(),
            "decided_on": r.decided_on.isoformat() if r.decided_on else None,
            "paid_on": r.paid_on.isoformat() if r.paid_on else None}
