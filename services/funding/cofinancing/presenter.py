"""How a co-financing agreement is answered: as computed (a preview, or a save's answer) or as it was stored; and
what the audit trail keeps of it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from services.funding.allocation.engine import fraction_text
from services.funding.cofinancing.models import CoFinancingAgreement
from services.funding.cofinancing.parties import REGION
from services.funding.cofinancing.schemas import (
    CoFinancingIn,
    CoFinancingOut,
    ComparisonRow,
    PartyAmount,
    PartyYearOut,
    YearOut,
)
from services.funding.cofinancing.split import PartyPart


def party_year_out(part: PartyPart) -> PartyYearOut:
    party = part.party
    return PartyYearOut(party=party.key, name=party.name,
                        contribution="amount" if party.amount is not None else "share",
                        share=fraction_text(party.share) if party.share is not None else None,
                        amount=part.amount, basis=party.basis)


def year_out(year: int, *, cost: int, percent: Fraction, principals: int, state: int, parts: list[PartyPart],
             legacy: bool) -> YearOut:
    """One year's split; `legacy`: the region and its municipalities (no `parties`), whose parts are also
    answered as `region` and `municipalities`."""
    by_key = {part.party.key: part.amount for part in parts}
    return YearOut(
        year=year, cost=cost, principals_percent=fraction_text(percent), state=state,
        region=by_key.get(REGION) if legacy else None,
        municipalities=principals - by_key.get(REGION, 0) if legacy else None,
        parties=[party_year_out(part) for part in parts],
        claims=[PartyAmount(party=c.payer, name=c.name, amount=c.amount, part_of=c.part_of)
                for part in parts for c in part.claims])


def comparison_row(claim: PartyAmount, previous: dict[str, int]) -> ComparisonRow:
    return ComparisonRow(party=claim.party, name=claim.name, previous=previous.get(claim.party), new=claim.amount,
                         difference=claim.amount - previous[claim.party] if claim.party in previous else None)


def co_financing_out(data: CoFinancingIn, agreement_id: str | None, *, cost: int, years: list[YearOut],
                     comparison: list[ComparisonRow], basis: dict[str, object]) -> CoFinancingOut:
    return CoFinancingOut(id=agreement_id, name=data.name, county_code=data.county_code, first_year=data.first_year,
                          last_year=data.last_year, yearly_cost=cost, years=years, comparison=comparison,
                          basis=basis)


def stored_co_financing_out(record: CoFinancingAgreement) -> CoFinancingOut:
    """The agreement as computed when it was recorded (populations of that day)."""
    return CoFinancingOut.model_validate({**record.answer, "created_at": record.created_at})


def co_financing_snapshot(record: CoFinancingAgreement, answer: CoFinancingOut) -> dict[str, Any]:
    """A co-financing agreement as the audit trail keeps it: its county, years and yearly cost (öre); its terms
    and split are the agreement's answer."""
    return {"name": answer.name, "county_code": record.county_code, "first_year": answer.first_year,
            "last_year": answer.last_year, "yearly_cost_ore": answer.yearly_cost,
            "parties": len(answer.comparison)}
