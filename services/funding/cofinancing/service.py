"""Co-financing: parties sharing a yearly cost (Dalarna's development-leader posts, its Barnahus with the Police,
its care college with 14 of its 15 municipalities, seed 003).

The yearly cost is the sum of the cost items (posts x cost per post). In a phase-in year the principals pay a
part of it and the state the rest (25 % in 2014, 50 % in 2015, 100 % from 2016). What the principals pay is
split among the parties (split.py): by default the region's agreed percentage and all of the county's
municipalities the rest by population; or the agreement's own `parties` (parties.py), each paying a fixed amount
or a share, for the agreement's years or some of them, municipalities by population on a population basis the
registry keeps (SCB's on a date, or the count an agreement states), which the answer cites. Every split is the
allocation engine's, exact to the krona (to the öre when an amount has öre), so each year's claims sum to its
cost. The comparison sets a full year (principals paying all; the last year when none is) against what each
party paid under the previous agreement.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.allocation.engine import fraction_text
from services.funding.audit.service import trail
from services.funding.cofinancing.models import CoFinancingAgreement
from services.funding.cofinancing.parties import REGION, named_parties, region_and_municipalities
from services.funding.cofinancing.presenter import (
    co_financing_out,
    co_financing_snapshot,
    comparison_row,
    stored_co_financing_out,
    year_out,
)
from services.funding.cofinancing.repository import CoFinancingRepository
from services.funding.cofinancing.schemas import CoFinancingCreate, CoFinancingIn, CoFinancingOut
from services.funding.cofinancing.split import split_year, two_way, unit_of
from services.funding.permissions import require_county
from services.funding.registry import Registry
from shared.authorization import require_county_scope
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, InvalidInput, NotFound

SHARES_OF = "shares are of what the fixed amounts leave of the parties' part of each year's cost"


def _checked_terms(data: CoFinancingIn) -> int:
    """The yearly cost, once the terms that need no registry hold."""
    if not data.cost_items:
        raise InvalidInput.field("body.cost_items", "not_empty", "An agreement shares at least one cost item.")
    bad = [i for i, p in enumerate(data.phase_in) if not data.first_year <= p.year <= data.last_year
           or not 0 <= p.principals_percent <= 100]
    region_percent = data.region_percent or 0
    if bad or not 0 <= region_percent <= 100:
        field = f"body.phase_in.{bad[0]}" if bad else "body.region_percent"
        raise InvalidInput.field(field, "within_agreement", "A phase-in year lies within the agreement's years "
                                                            "and every percentage between 0 and 100.")
    return sum(item.posts * item.cost_per_post for item in data.cost_items)


async def compute(registry: Registry, data: CoFinancingIn, agreement_id: str | None,
                  caller: Principal | None = None) -> CoFinancingOut:
    if data.parties is None:
        resolved = await region_and_municipalities(registry, data)
        cost = _checked_terms(data)
    else:
        cost = _checked_terms(data)
        resolved = await named_parties(registry, data, date.today())
        if caller is not None:  # a county system names its own county's organisations and national ones only
            require_county_scope(caller, data.county_code, what="a co-financing agreement", field="body.county_code",
                                 references=resolved.references)
    unit = unit_of(cost, resolved.parties)
    phase_in = {p.year: p.principals_percent for p in data.phase_in}
    years = []
    for year in range(data.first_year, data.last_year + 1):
        percent = phase_in.get(year, Fraction(100))
        principals, state = two_way(cost, percent, unit)
        parts = split_year(year, principals, resolved.parties, unit)
        years.append(year_out(year, cost=cost, percent=percent, principals=principals, state=state, parts=parts,
                              legacy=data.parties is None))
    full = next((y for y in years if y.principals_percent == "100"), years[-1])
    previous = data.previous
    before: dict[str, int] = {}
    if previous:
        before = ({REGION: previous.region} if previous.region is not None else {}) | \
            dict(previous.municipalities) | dict(previous.parties)
    return co_financing_out(data, agreement_id, cost=cost, years=years,
                            comparison=[comparison_row(c, before) for c in full.claims],
                            basis=_basis_answer(data, resolved.bases, full.year, unit))


def _basis_answer(data: CoFinancingIn, bases: dict[str, Any], comparison_year: int, unit: int) -> dict[str, object]:
    cited = [basis.citation() for basis in bases.values()]
    answer: dict[str, object] = {"comparison_year": comparison_year, "rounding": "krona" if unit == 100 else "ore"}
    if data.parties is None:
        basis = cited[0]
        answer["populations"] = (f"actor registry: SCB population on 31 December {data.basis_year}"
                                 if data.basis_year is not None else
                                 f"actor registry: population basis {basis['id']} ({basis['name']}, "
                                 f"{basis['reference_date']})")
        answer["population_basis"] = basis
        answer["region_percent"] = fraction_text(data.region_percent or Fraction(0))
    else:
        answer["parties"] = SHARES_OF
        answer["population_bases"] = cited
    return answer


def _terms(data: CoFinancingIn | dict[str, Any]) -> dict[str, Any]:
    """The terms as stored, without the fields left out (so terms stored before a field existed still match)."""
    terms = data.model_dump(mode="json") if isinstance(data, CoFinancingIn) else data
    return {key: value for key, value in terms.items() if value is not None}


class CoFinancingService:
    def __init__(self, session: AsyncSession, caller: Principal, registry: Registry | None = None) -> None:
        self.session = session
        self.caller = caller
        self.registry = registry
        self.repository = CoFinancingRepository(session)

    async def preview(self, data: CoFinancingIn) -> CoFinancingOut:
        require_county(self.caller, data.county_code, "a co-financing agreement", "body.county_code")
        assert self.registry is not None
        return await compute(self.registry, data, None, self.caller)

    async def create(self, data: CoFinancingCreate) -> tuple[CoFinancingOut, bool]:
        """The new agreement and True; for a retry with the same id and terms the stored one and False."""
        require_county(self.caller, data.county_code, "a co-financing agreement", "body.county_code")
        assert self.registry is not None
        await self.repository.hold_new(data.id)
        existing = await self.repository.get(data.id)
        if existing is not None:
            require_county(self.caller, existing.county_code, "the co-financing agreement", "body.id")
            if _terms(existing.terms) == _terms(data):
                return await self.read(data.id), False
            raise Conflict.field("body.id", "id_in_use", f"Co-financing agreement {data.id} exists with other "
                                                         "terms; choose another id or send the stored terms.")
        answer = await compute(self.registry, data, data.id, self.caller)
        record = CoFinancingAgreement(id=data.id, county_code=data.county_code, created_by=self.caller.subject,
                                      terms=data.model_dump(mode="json"), answer=answer.model_dump())
        self.repository.add(record)
        await self.repository.flush()
        trail(self.session, self.caller).record("create", "co_financing", record.id, county=record.county_code,
                                                after=co_financing_snapshot(record, answer))
        answer.created_at = record.created_at
        return answer, True

    async def search(self, *, county: str | None, paging: PageRequest) -> Page[CoFinancingOut]:
        rows, count = await self.repository.search(county=county, after=paging.after_key(str),
                                                   limit=paging.limit + 1)
        return paging.page([stored_co_financing_out(r) for r in rows], count=count, sort_key=lambda r: [r.id])

    async def read(self, agreement_id: str) -> CoFinancingOut:
        record = await self.repository.get(agreement_id)
        if record is None:
            raise NotFound(f"No co-financing agreement {agreement_id}.")
        return stored_co_financing_out(record)
