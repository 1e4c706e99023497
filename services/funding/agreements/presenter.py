"""How an agreement and its funding lines are answered, and what the audit trail keeps of them."""

from __future__ import annotations

from typing import Any

from services.funding.agreements.models import Agreement, FundingLine
from services.funding.agreements.schemas import AgreementOut, FundingLineOut


def funding_line_out(line: FundingLine, agreement_id: str) -> FundingLineOut:
    return FundingLineOut(id=line.id, agreement_id=agreement_id, area=line.area, year=line.year,
                          total=line.total_ore, allocation_key=line.allocation_key,
                          requisition_last_date=line.requisition_last_date, report_due_date=line.report_due_date,
                          conditions=line.conditions)


def agreement_out(agreement: Agreement) -> AgreementOut:
    return AgreementOut(
        id=agreement.id, name=agreement.name, registry_number=agreement.registry_number,
        first_year=agreement.first_year, last_year=agreement.last_year, areas=list(agreement.areas),
        lines=[funding_line_out(line, agreement.id) for line in agreement.lines])


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    """The agreement as the audit trail keeps it: its terms and each line's amount (öre) and dates."""
    return {"id": agreement.id, "name": agreement.name, "registry_number": agreement.registry_number,
            "first_year": agreement.first_year, "last_year": agreement.last_year, "areas": list(agreement.areas),
            "lines": [{"id": line.id, "area": line.area, "year": line.year, "total_ore": line.total_ore,
                       "allocation_key": line.allocation_key,
                       "requisition_last_date": line.requisition_last_date.isoformat(),
                       "report_due_date": line.report_due_date.isoformat()} for line in agreement.lines]}
