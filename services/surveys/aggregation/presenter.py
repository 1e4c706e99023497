"""How the aggregates are shown: shares and means as they are rounded, the response rates, and the ranked needs
with what the caller may not read taken out."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from services.surveys.aggregation.schemas import (
    Distribution,
    DistributionOut,
    Needs,
    NeedsOut,
    Rate,
    ResponseRatesOut,
    Suppression,
)


def share(count: int, denominator: int) -> float | None:
    return round(count / denominator, 4) if denominator else None


def two_decimals(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate_out(targets: int, submitted: int, county_code: str | None = None) -> Rate:
    return Rate(county_code=county_code, targets=targets, submitted=submitted, share=share(submitted, targets))


def response_rates_out(round_id: str, rates: Sequence[tuple[str | None, int, int]], previous_round_id: str | None,
                       previous_rates: Sequence[tuple[str | None, int, int]] | None) -> ResponseRatesOut:
    """`rates`: (county, targets, submitted) per county of the round; `previous_rates`: the previous round's."""
    counties = [rate_out(t, s, c) for c, t, s in rates]
    previous_nation = None
    if previous_rates is not None:
        previous_nation = rate_out(sum(r[1] for r in previous_rates), sum(r[2] for r in previous_rates))
    return ResponseRatesOut(round_id=round_id,
                            nation=rate_out(sum(c.targets for c in counties), sum(c.submitted for c in counties)),
                            counties=counties, previous_round_id=previous_round_id, previous_nation=previous_nation)


def withhold(needs: Needs, suppression: Suppression | None, previous_suppressed: bool) -> Needs:
    """The ranked needs with what the caller may not read taken out: a withheld round's figures and ranks (its
    lists in the order of their codes instead), a withheld previous round's figures and the changes from them."""
    for ranked in (needs.focus_areas, needs.processes, needs.mission_areas):
        for need in ranked:
            if suppression is not None:
                need.rank = need.count = need.denominator = need.share = need.mean = need.change = None
                need.suppressed = True
            if previous_suppressed:
                need.previous_count = need.previous_mean = need.change = None
        if suppression is not None:
            ranked.sort(key=lambda n: n.code)
    needs.suppressed, needs.suppression = suppression is not None, suppression
    needs.previous_suppressed = previous_suppressed
    return needs


def distribution_out(round_id: str, previous_round_id: str | None, nation: Distribution,
                     county: Distribution | None) -> DistributionOut:
    return DistributionOut(round_id=round_id, previous_round_id=previous_round_id, nation=nation, county=county)


def needs_out(round_id: str, previous_round_id: str | None, nation: Needs, county: Needs | None) -> NeedsOut:
    return NeedsOut(round_id=round_id, previous_round_id=previous_round_id, nation=nation, county=county)
