"""Co-financing between a region and its municipalities (Dalarna's development-leader posts, seed 003).

The yearly cost is the sum of the cost items (posts x cost per post). In a phase-in year the principals pay a
part of it and the state the rest (25 % in 2014, 50 % in 2015, 100 % from 2016). What the principals pay is
split between the region and the municipalities by the agreed percentage, and the municipalities' part by the
registry's populations on the basis year: every split is the allocation engine's, exact to the krona (to the
öre when the cost has öre), so each year's claims sum to its cost. The comparison sets a full year (principals
paying all; the last year when none is) against what each party paid under the previous agreement.
"""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.allocation.engine import AllocationKey, Recipient, allocate, fraction_text
from services.funding.cofinancing.models import CoFinancingAgreement
from services.funding.cofinancing.repository import CoFinancingRepository
from services.funding.cofinancing.schemas import (
    CoFinancingCreate,
    CoFinancingIn,
    CoFinancingOut,
    ComparisonRow,
    PartyAmount,
    YearOut,
)
from services.funding.permissions import require_county
from services.funding.registry import Registry
from shared.identity import Principal
from shared.problems import Conflict, InvalidInput, NotFound

REGION = "region"


def _two_way(total: int, percent: Fraction, unit: int) -> tuple[int, int]:
    """`percent` of `total` and the rest, by the engine (largest remainder, to the unit)."""
    if percent in (0, 100):
        first = total if percent == 100 else 0
        return first, total - first
    result = allocate(total, [Recipient("first", percent), Recipient("rest", 100 - percent)],
                      key=AllocationKey.PERCENTAGE, unit=unit)
    return result.shares[0].amount, result.shares[1].amount


async def compute(registry: Registry, data: CoFinancingIn, agreement_id: str | None) -> CoFinancingOut:
    municipalities = await registry.municipalities(data.county_code)
    populations = {code: m.populations.get(data.basis_year) for code, m in municipalities.items()}
    missing = sorted(municipalities[c].name for c, p in populations.items() if p is None)
    if not municipalities or missing:
        raise InvalidInput.field("body.basis_year", "population_published",
                                 f"The registry has no {data.basis_year} population for "
                                 f"{', '.join(missing) or f'county {data.county_code}'}.")
    if not data.cost_items:
        raise InvalidInput.field("body.cost_items", "not_empty", "An agreement shares at least one cost item.")
    cost = sum(item.posts * item.cost_per_post for item in data.cost_items)
    unit = 100 if cost % 100 == 0 else 1
    phase_in = {p.year: p.principals_percent for p in data.phase_in}
    bad = [i for i, p in enumerate(data.phase_in) if not data.first_year <= p.year <= data.last_year
           or not 0 <= p.principals_percent <= 100]
    if bad or not 0 <= data.region_percent <= 100:
        field = f"body.phase_in.{bad[0]}" if bad else "body.region_percent"
        raise InvalidInput.field(field, "within_agreement", "A phase-in year lies within the agreement's years "
                                                            "and every percentage between 0 and 100.")
    years = []
    for year in range(data.first_year, data.last_year + 1):
        percent = phase_in.get(year, Fraction(100))
        principals, state = _two_way(cost, percent, unit)
        region, municipalities_total = _two_way(principals, data.region_percent, unit)
        split = allocate(municipalities_total, [Recipient(c, p) for c, p in sorted(populations.items()) if p],
                         key=AllocationKey.POPULATION, unit=unit) if municipalities_total else None
        claims = [PartyAmount(party=REGION, name=f"Region ({data.county_code})", amount=region)]
        claims += [PartyAmount(party=s.recipient_id, name=municipalities[s.recipient_id].name, amount=s.amount)
                   for s in (split.shares if split else [])]
        years.append(YearOut(year=year, cost=cost, principals_percent=fraction_text(percent), state=state,
                             region=region, municipalities=municipalities_total, claims=claims))
    full = next((y for y in years if y.principals_percent == "100"), years[-1])
    previous = data.previous
    before = {REGION: previous.region} | dict(previous.municipalities) if previous else {}
    comparison = [ComparisonRow(party=c.party, name=c.name, previous=before.get(c.party), new=c.amount,
                                difference=c.amount - before[c.party] if c.party in before else None)
                  for c in full.claims]
    return CoFinancingOut(
        id=agreement_id, name=data.name, county_code=data.county_code, first_year=data.first_year,
        last_year=data.last_year, yearly_cost=cost, years=years, comparison=comparison,
        basis={"populations": f"actor registry: SCB population on 31 December {data.basis_year}",
               "region_percent": fraction_text(data.region_percent), "comparison_year": full.year,
               "rounding": "krona" if unit == 100 else "ore"})


class CoFinancingService:
    def __init__(self, session: AsyncSession, caller: Principal, registry: Registry | None = None) -> None:
        self.session = session
        self.caller = caller
        self.registry = registry
        self.repository = CoFinancingRepository(session)

    async def preview(self, data: CoFinancingIn) -> CoFinancingOut:
        require_county(self.caller, data.county_code, "a co-financing agreement", "body.county_code")
        assert self.registry is not None
        return await compute(self.registry, data, None)

    async def create(self, data: CoFinancingCreate) -> tuple[CoFinancingOut, bool]:
        """The new agreement and True; for a retry with the same id and terms the stored one and False."""
        require_county(self.caller, data.county_code, "a co-financing agreement", "body.county_code")
        assert self.registry is not None
        await self.repository.hold_new(data.id)
        existing = await self.repository.get(data.id)
        if existing is not None:
            require_county(self.caller, existing.county_code, "the co-financing agreement", "body.id")
            if existing.terms == data.model_dump(mode="json"):
                return await self.read(data.id), False
            raise Conflict.field("body.id", "id_in_use", f"Co-financing agreement {data.id} exists with other "
                                                         "terms; choose another id or send the stored terms.")
        answer = await compute(self.registry, data, data.id)
        record = CoFinancingAgreement(id=data.id, county_code=data.county_code, created_by=self.caller.subject,
                                      terms=data.model_dump(mode="json"), answer=answer.model_dump())
        await self.repository.add(record)
        answer.created_at = record.created_at
        return answer, True

    async def read(self, agreement_id: str) -> CoFinancingOut:
        record = await self.repository.get(agreement_id)
        if record is None:
            raise NotFound(f"No co-financing agreement {agreement_id}.")
        return CoFinancingOut.model_validate({**record.answer, "created_at": record.created_at})
