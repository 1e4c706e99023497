"""A year of a co-financing agreement split among its parties: pure arithmetic, no I/O.

Fixed amounts come first; what they leave of the parties' part of the year's cost is split by the parties'
shares, which then add up to the whole; a set of municipalities splits its part among its members by population.
Every split is the allocation engine's (largest remainder, to the agreement's rounding unit), so each party is
within one unit of its exact part, each municipality within one unit of its exact part of its set's, and the
rows sum exactly to the year's cost. Ties go to the party listed first.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from services.funding.allocation.engine import AllocationKey, Recipient, allocate, fraction_text
from shared.money import format_ore
from shared.problems import InvalidInput


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    population: int


@dataclass(frozen=True)
class Party:
    key: str  # the organisation's id, "region", or a set of municipalities' key
    name: str
    field: str  # the input the party comes from, for the rules it breaks
    first_year: int
    last_year: int
    amount: int | None = None  # öre a year
    share: Fraction | None = None  # of what the fixed amounts leave
    members: tuple[Member, ...] = ()  # a set of municipalities paying by population
    basis: str | None = None  # their population basis

    def pays_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Claim:
    payer: str  # an organisation's id or a municipality's code
    name: str
    amount: int
    part_of: str | None = None


@dataclass(frozen=True)
class PartyPart:
    party: Party
    amount: int
    claims: tuple[Claim, ...]


def unit_of(cost: int, parties: list[Party]) -> int:
    """Whole kronor when the cost and every fixed amount are; otherwise öre."""
    whole = cost % 100 == 0 and all(p.amount is None or p.amount % 100 == 0 for p in parties)
    return 100 if whole else 1


def two_way(total: int, percent: Fraction, unit: int) -> tuple[int, int]:
    """`percent` of `total` and the rest, by the engine (largest remainder, to the unit; a tie to the first)."""
    if percent in (0, 100):
        first = total if percent == 100 else 0
        return first, total - first
    result = allocate(total, [Recipient("first", percent), Recipient("rest", 100 - percent)],
                      key=AllocationKey.PERCENTAGE, unit=unit)
    return result.shares[0].amount, result.shares[1].amount


def split_year(year: int, total: int, parties: list[Party], unit: int) -> list[PartyPart]:
    """`total` öre, the parties' part of the year's cost, among the parties paying that year."""
    paying = [p for p in parties if p.pays_in(year)]
    _check_payers(year, paying)
    fixed = sum(p.amount for p in paying if p.amount is not None)
    if fixed > total:
        raise InvalidInput.field("body.parties", "fixed_within_cost",
                                 f"In {year} the fixed amounts ({format_ore(fixed)}) exceed what the parties pay "
                                 f"({format_ore(total)}).")
    rest = total - fixed
    sharing = [(i, p) for i, p in enumerate(paying) if p.share is not None]
    given = sum((p.share for _, p in sharing if p.share is not None), Fraction(0))
    if sharing and given != 1:
        raise InvalidInput.field("body.parties", "shares_sum_to_whole",
                                 f"In {year} the parties' shares add up to {fraction_text(given)}, not the whole of "
                                 "what the fixed amounts leave.")
    if not sharing and rest:
        raise InvalidInput.field("body.parties", "cost_covered",
                                 f"In {year} the fixed amounts cover {format_ore(fixed)} of {format_ore(total)} and "
                                 "no party has a share of the rest.")
    amounts = {i: p.amount for i, p in enumerate(paying) if p.amount is not None}
    positive = [(i, p.share) for i, p in sharing if p.share]
    amounts.update({i: 0 for i, p in sharing if not p.share})
    if positive:
        # The ids sort in the parties' order, so a tie goes to the party listed first.
        split = allocate(rest, [Recipient(f"{i:04d}", share * 100) for i, share in positive],
                         key=AllocationKey.PERCENTAGE, unit=unit)
        amounts.update({int(s.recipient_id): s.amount for s in split.shares})
    return [PartyPart(p, amounts[i], _claims(p, amounts[i], unit)) for i, p in enumerate(paying)]


def _claims(party: Party, amount: int, unit: int) -> tuple[Claim, ...]:
    if not party.members:
        return (Claim(party.key, party.name, amount),)
    names = {m.code: m.name for m in party.members}
    split = allocate(amount, [Recipient(m.code, m.population) for m in party.members],
                     key=AllocationKey.POPULATION, unit=unit)
    return tuple(Claim(s.recipient_id, names[s.recipient_id], s.amount, party.key) for s in split.shares)


def _check_payers(year: int, paying: list[Party]) -> None:
    """Each party, and each organisation or municipality, pays once a year."""
    seen: set[str] = set()
    for party in paying:
        payers = [party.key] + [m.code for m in party.members]
        again = next((p for p in payers if p in seen), None)
        if again is not None:
            raise InvalidInput.field(party.field, "pays_once_a_year",
                                     f"{again} is a party more than once in {year}.")
        seen.update(payers)
