"""How an allocation (or onward distribution) is answered: as the engine computed it (a preview, or a save's
answer) or as it was stored; and what the audit trail keeps of it."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from services.funding.agreements.models import FundingLine
from services.funding.allocation import engine
from services.funding.allocation.engine import AllocationKey, fraction_text
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.schemas import AllocationOut, ParentOut, PayeeOut, ShareOut
from services.funding.registry import Payee


def payee_out(payee_id: str | None, name: str | None, org_number: str | None) -> PayeeOut | None:
    """Whom a share's money is paid to, as stored with the share or a requisition (None: no payee kept)."""
    return PayeeOut(id=payee_id, name=name or "", org_number=org_number or "") if payee_id else None


def parent_out(allocation_id: str | None, recipient_id: str | None) -> ParentOut | None:
    """The share a distribution splits (None: an allocation of a funding line)."""
    return ParentOut(allocation_id=allocation_id, recipient_id=recipient_id or "") if allocation_id else None


def share_out(share: AllocationShare, total: int) -> ShareOut:
    return ShareOut(recipient_id=share.recipient_id, name=share.recipient_name, county_code=share.county_code,
                    basis=share.basis, weight=share.weight,
                    share=fraction_text(Fraction(share.exact) / total) if total else "0",
                    exact_ore=share.exact, amount=share.amount_ore, adjustment_ore=share.adjustment,
                    payee=payee_out(share.payee_id, share.payee_name, share.payee_org_number))


def allocation_out(allocation: Allocation) -> AllocationOut:
    """A stored allocation, every row as it was saved."""
    return AllocationOut(
        id=allocation.id, agreement_id=allocation.agreement_id, funding_line_id=allocation.funding_line_id,
        parent=parent_out(allocation.parent_allocation_id, allocation.parent_recipient_id),
        county_code=allocation.county_code, total=allocation.total_ore,
        sum=sum(s.amount_ore for s in allocation.shares), key=AllocationKey(allocation.key),
        rounding=allocation.rounding, allocated_on=allocation.allocated_on, recorded_at=allocation.created_at,
        basis=allocation.basis, shares=[share_out(s, allocation.total_ore) for s in allocation.shares])


def computed_allocation_out(line: FundingLine, result: engine.Allocation, *, allocation_id: str | None,
                            rounding: str, on: date, basis: dict[str, Any], names: dict[str, str | None],
                            counties: dict[str, str | None], payees: dict[str, Payee],
                            parent: ParentOut | None = None, county_code: str | None = None) -> AllocationOut:
    """The engine's split of `line` as the answer, each row with its recipient's name, county and payee."""
    payee = {i: {"id": p.id, "name": p.name, "org_number": p.org_number} for i, p in payees.items()}
    total = result.total
    # The answer is validated once, as a whole, rather than a model made per row.
    return AllocationOut.model_validate({
        "id": allocation_id, "agreement_id": line.agreement_id, "funding_line_id": line.id, "total": total,
        "sum": result.sum, "key": result.key, "rounding": rounding, "allocated_on": on, "basis": basis,
        "parent": parent, "county_code": county_code,
        "shares": [{"recipient_id": s.recipient_id, "name": names[s.recipient_id],
                    "county_code": counties[s.recipient_id], "basis": s.basis, "weight": s.weight_text,
                    "share": s.share_text(total), "exact_ore": s.exact_text, "amount": s.amount,
                    "adjustment_ore": s.adjustment_text, "payee": payee.get(s.recipient_id)}
                   for s in result.shares]})


def allocation_snapshot(answer: AllocationOut) -> dict[str, Any]:
    """An allocation or distribution as the audit trail keeps it: its line, total (öre), key, day and parent
    share, and how many shares it made (the shares themselves are the allocation's answer and the ledger's)."""
    return {"agreement_id": answer.agreement_id, "funding_line_id": answer.funding_line_id,
            "parent_allocation_id": answer.parent.allocation_id if answer.parent else None,
            "parent_recipient_id": answer.parent.recipient_id if answer.parent else None,
            "county_code": answer.county_code, "total_ore": answer.total, "key": answer.key.value,
            "rounding": answer.rounding, "allocated_on": answer.allocated_on.isoformat()
            if answer.allocated_on else None, "shares": len(answer.shares)}
