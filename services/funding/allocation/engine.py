"""Exact allocation: a total in öre split among recipients so that the rows sum to the total to the öre.

Pure arithmetic (integers and `Fraction`, never a float), no I/O. Each recipient's exact share is a fraction of
the total; set-asides are taken first (a percentage of the total to a named recipient, such as Stockholm's 4 %
for "Uppdrag psykisk hälsa") and the rest is split by the key:

* ``population``: in proportion to each recipient's population on a stated basis year;
* ``equal``: the same share each (a region and its municipalities halving a sum);
* ``percentage``: each recipient's stated percentage of the rest (they must add up to 100);
* ``fixed``: each recipient's stated amount (they must add up to the rest exactly).

Rounding is to a unit chosen per allocation (1 öre or 100 öre, a whole krona) by largest remainder: every row
first gets its exact share rounded down to the unit, and the units still missing from the total go one each to
the rows with the largest remainders. Ties are broken deterministically: larger remainder first, then larger
weight, then the recipient id in ascending order. So every row is within one unit of its exact share (strictly
less than one unit away) and the rows sum exactly to the total; the total must be a whole number of units.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from shared.problems import FieldError


class AllocationKey(StrEnum):
    POPULATION = "population"
    EQUAL = "equal"
    PERCENTAGE = "percentage"
    FIXED = "fixed"


ROUNDING_UNITS = {"ore": 1, "krona": 100}


class AllocationRefused(ValueError):
    """The split cannot be made: each error names the input field and the broken rule."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Recipient:
    id: str
    # population (key population), percentage (key percentage, Fraction of 100) or amount in öre (key fixed);
    # ignored for the equal key.
    weight: Fraction | int = 1


@dataclass(frozen=True)
class SetAside:
    recipient_id: str
    percent: Fraction  # of the total, taken before the key splits the rest
    purpose: str = ""


@dataclass(frozen=True)
class Share:
    """One row. Its exact share is kept as an integer over the allocation's common denominator, so the rounding
    compares integers; the fractions (and their texts) are made only when asked for."""

    recipient_id: str
    basis: str  # "set_aside" or the key
    weight: Fraction | int
    amount: int  # öre, rounded
    numerator: int  # the exact amount in öre is numerator / denominator
    denominator: int

    @property
    def exact(self) -> Fraction:  # öre
        return Fraction(self.numerator, self.denominator)

    @property
    def adjustment(self) -> Fraction:  # amount - exact, öre; |adjustment| < unit
        return Fraction(self.amount * self.denominator - self.numerator, self.denominator)

    @property
    def exact_text(self) -> str:
        return ratio_text(self.numerator, self.denominator)

    @property
    def adjustment_text(self) -> str:
        return ratio_text(self.amount * self.denominator - self.numerator, self.denominator)

    @property
    def weight_text(self) -> str:
        return str(self.weight) if isinstance(self.weight, int) else fraction_text(self.weight)

    def share_text(self, total: int) -> str:
        """The exact fraction of `total` this row is."""
        return ratio_text(self.numerator, self.denominator * total) if total else "0"


@dataclass(frozen=True)
class Allocation:
    total: int
    key: AllocationKey
    unit: int
    shares: tuple[Share, ...]

    @property
    def sum(self) -> int:
        return sum(share.amount for share in self.shares)


def fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def ratio_text(numerator: int, denominator: int) -> str:
    """fraction_text(Fraction(numerator, denominator)), without making the Fraction."""
    divisor = math.gcd(numerator, denominator)
    numerator, denominator = numerator // divisor, denominator // divisor
    return str(numerator) if denominator == 1 else f"{numerator}/{denominator}"


def allocate(total: int, recipients: Sequence[Recipient], *, key: AllocationKey, unit: int = 1,
             set_asides: Sequence[SetAside] = ()) -> Allocation:
    """Splits `total` öre among the set-asides and `recipients`; AllocationRefused when the split cannot be made."""
    _check(total, recipients, key, unit, set_asides)
    # Each row's exact amount as an integer numerator over one common denominator: the rounding then compares
    # integers (the same arithmetic as fractions, without normalising one at every step).
    rows: list[tuple[str, str, Fraction | int, int, int]] = []  # id, basis, weight, numerator, denominator
    percents = [Fraction(s.percent) for s in set_asides]
    for set_aside, percent in zip(set_asides, percents, strict=True):
        rows.append((set_aside.recipient_id, "set_aside", percent, total * percent.numerator,
                     100 * percent.denominator))
    weights = [1 if key is AllocationKey.EQUAL else r.weight if isinstance(r.weight, int) else Fraction(r.weight)
               for r in recipients]
    scale = math.lcm(*(w.denominator for w in weights if not isinstance(w, int)))  # 1 for whole weights
    scaled = [w * scale if isinstance(w, int) else w.numerator * (scale // w.denominator) for w in weights]
    basis = key.value
    if key is AllocationKey.FIXED:
        rows.extend((r.id, basis, w, n, scale) for r, w, n in zip(recipients, weights, scaled, strict=True))
    else:
        rest = Fraction(total) * (100 - sum(percents, Fraction(0))) / 100
        denominator = rest.denominator * sum(scaled)
        rows.extend((r.id, basis, w, rest.numerator * n, denominator)
                    for r, w, n in zip(recipients, weights, scaled, strict=True))
    common = math.lcm(*{d for *_, d in rows})
    numerators = [n * (common // d) for *_, n, d in rows]
    amounts = _largest_remainder(total, unit, common, numerators, rows)
    shares = tuple(Share(recipient_id=rid, basis=basis, weight=weight, amount=amount, numerator=n,
                         denominator=common)
                   for (rid, basis, weight, _, _), n, amount in zip(rows, numerators, amounts, strict=True))
    return Allocation(total=total, key=key, unit=unit, shares=shares)


def _largest_remainder(total: int, unit: int, denominator: int, numerators: list[int],
                       rows: list[tuple[str, str, Fraction | int, int, int]]) -> list[int]:
    """Every row's exact amount (numerator / denominator) rounded down to the unit, then the missing units one
    each to the largest remainders (ties: larger weight, then smaller id)."""
    split = [divmod(n, denominator * unit) for n in numerators]
    missing = total // unit - sum(floor for floor, _ in split)
    amounts = [floor * unit for floor, _ in split]
    if missing:
        order = sorted(range(len(rows)), key=lambda i: (-split[i][1], -rows[i][2], rows[i][0]))
        for i in order[:missing]:
            amounts[i] += unit
    return amounts


def _check(total: int, recipients: Sequence[Recipient], key: AllocationKey, unit: int,
           set_asides: Sequence[SetAside]) -> None:
    errors: list[FieldError] = []

    def refuse(field: str, rule: str, message: str) -> None:
        errors.append(FieldError(field, rule, message))

    if unit not in ROUNDING_UNITS.values():
        refuse("rounding", "rounding_unit", "Rounding is to the öre (1) or to the krona (100).")
    elif total % unit:
        refuse("total", "whole_rounding_units", f"The total {total} öre is not a whole number of rounding units "
                                                f"({unit} öre); round to the öre or change the total.")
    if total < 0:
        refuse("total", "not_negative", "The total cannot be negative.")
    if not recipients:
        refuse("recipients", "not_empty", "An allocation needs at least one recipient.")
    times = Counter([r.id for r in recipients] + [s.recipient_id for s in set_asides])
    for i, recipient in enumerate(recipients):
        if times[recipient.id] > 1:
            refuse(f"recipients.{i}.id", "unique", f"Recipient {recipient.id} appears more than once.")
        weight = 1 if key is AllocationKey.EQUAL else recipient.weight
        if weight < 0 or (weight == 0 and key is not AllocationKey.FIXED):
            refuse(f"recipients.{i}.weight", "positive", "Each recipient's weight must be greater than zero.")
    set_aside_percent = sum((Fraction(s.percent) for s in set_asides), Fraction(0))
    for i, set_aside in enumerate(set_asides):
        if not 0 < Fraction(set_aside.percent) < 100:
            refuse(f"set_asides.{i}.percent", "percent_range", "A set-aside is more than 0 and less than 100 %.")
    if set_aside_percent >= 100:
        refuse("set_asides", "less_than_whole", "The set-asides together must leave something to split.")
    if key is AllocationKey.PERCENTAGE and recipients:
        given = Fraction(sum(r.weight for r in recipients))
        if given != 100:
            refuse("recipients", "percentages_sum_to_100",
                   f"The percentages add up to {fraction_text(given)}, not 100.")
    if key is AllocationKey.FIXED and recipients:
        if set_asides:
            refuse("set_asides", "not_with_fixed", "Fixed amounts are the whole split; they take no set-aside.")
        given = Fraction(sum(r.weight for r in recipients))
        if given != total:
            refuse("recipients", "amounts_sum_to_total",
                   f"The fixed amounts add up to {fraction_text(given)} öre, not the total {total} öre.")
        for i, recipient in enumerate(recipients):
            if recipient.weight % unit:
                refuse(f"recipients.{i}.amount", "whole_rounding_units",
                       f"A fixed amount is a whole number of rounding units ({unit} öre).")
    if errors:
        raise AllocationRefused(errors)
