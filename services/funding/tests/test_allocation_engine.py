"""The allocation engine: exact sums, every row within one rounding unit, a stated tie-break, refusals that name
their field; the Dalarna 2023-2026 split and Stockholm's set-aside worked through."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from services.funding.allocation.engine import (
    AllocationKey,
    AllocationRefused,
    Recipient,
    SetAside,
    allocate,
    fraction_text,
)

SEK = 100

# DOMAIN.md, from the Dalarna seed: population basis, current 2022 and new (from 2023) contributions in SEK.
DALARNA = [
    ("2084", "Avesta", 22986, 97515, 159414), ("2081", "Borlänge", 52460, 222257, 363823),
    ("2080", "Falun", 59752, 254273, 414395), ("2026", "Gagnef", 10455, 44643, 72508),
    ("2083", "Hedemora", 15495, 65690, 107462), ("2029", "Leksand", 15940, 68106, 110548),
    ("2085", "Ludvika", 26613, 112694, 184568), ("2023", "Malung-Sälen", 10184, 43205, 70629),
    ("2062", "Mora", 20544, 87623, 142478), ("2034", "Orsa", 6939, 29456, 48124),
    ("2031", "Rättvik", 11079, 47161, 76836), ("2061", "Smedjebacken", 10909, 46506, 75657),
    ("2082", "Säter", 11203, 47747, 77696), ("2021", "Vansbro", 6790, 28767, 47090),
    ("2039", "Älvdalen", 7033, 29894, 48776),
]


def check_invariants(result, unit: int) -> None:
    assert result.sum == result.total
    for share in result.shares:
        assert abs(share.amount - share.exact) < unit
        assert share.amount % unit == 0
        assert share.adjustment == share.amount - share.exact
    assert sum((s.exact for s in result.shares), Fraction(0)) == result.total


def test_dalarna_2023_2026_four_posts_region_and_municipalities_by_population():
    posts = allocate(4 * 1_000_000 * SEK, [Recipient("region-20", 2_000_000 * SEK),
                                           Recipient("municipalities-20", 2_000_000 * SEK)],
                     key=AllocationKey.FIXED, unit=SEK)
    assert [s.amount for s in posts.shares] == [2_000_000 * SEK, 2_000_000 * SEK]

    split = allocate(2_000_000 * SEK, [Recipient(code, population) for code, _, population, _, _ in DALARNA],
                     key=AllocationKey.POPULATION, unit=SEK)

    check_invariants(split, SEK)
    assert split.sum == 2_000_000 * SEK
    assert sum(row[4] for row in DALARNA) == 2_000_004  # the seed rounds each row on its own
    by_code = {s.recipient_id: s for s in split.shares}
    for code, _name, population, _current, seed_figure in DALARNA:
        assert abs(by_code[code].amount - seed_figure * SEK) <= SEK, code
        assert by_code[code].exact == Fraction(2_000_000 * SEK * population, 288382)
    assert by_code["2080"].amount == 414_395 * SEK and by_code["2021"].amount == 47_090 * SEK
    region_now = 1_225_535 * SEK
    assert posts.shares[0].amount - region_now == 774_465 * SEK


def test_dalarna_current_column_was_computed_on_another_basis():
    assert sum(row[3] for row in DALARNA) == 1_225_537


def test_stockholm_four_percent_set_aside_then_equal_split_with_the_region():
    total = 30_000_000 * SEK
    result = allocate(total, [Recipient("municipalities-01"), Recipient("region-01")], key=AllocationKey.EQUAL,
                      unit=SEK, set_asides=[SetAside("uppdrag-psykisk-halsa", Fraction(4), "Uppdrag psykisk hälsa")])
    check_invariants(result, SEK)
    amounts = {s.recipient_id: s.amount for s in result.shares}
    assert amounts == {"uppdrag-psykisk-halsa": 1_200_000 * SEK, "municipalities-01": 14_400_000 * SEK,
                       "region-01": 14_400_000 * SEK}
    assert result.shares[0].basis == "set_aside"


def test_percentages_split_exactly():
    result = allocate(1_000_001, [Recipient("a", Fraction(50)), Recipient("b", Fraction(25)),
                                  Recipient("c", Fraction(25))], key=AllocationKey.PERCENTAGE, unit=1)
    check_invariants(result, 1)
    assert [s.amount for s in result.shares] == [500_001, 250_000, 250_000]


def test_tie_break_larger_remainder_then_larger_weight_then_id():
    # 100 öre among three equal recipients: 33 each, one öre left; all remainders and weights tie -> smallest id
    result = allocate(100, [Recipient("c"), Recipient("a"), Recipient("b")], key=AllocationKey.EQUAL)
    assert {s.recipient_id: s.amount for s in result.shares} == {"a": 34, "b": 33, "c": 33}
    # equal remainders (1/2 each), different weights: the larger weight gets the öre
    result = allocate(2, [Recipient("a", 1), Recipient("z", 3)], key=AllocationKey.POPULATION)
    assert {s.recipient_id: s.amount for s in result.shares} == {"a": 0, "z": 2}  # exact 1/2 and 3/2
    # a larger remainder wins over a larger weight
    result = allocate(10, [Recipient("big", 5), Recipient("small", 2)], key=AllocationKey.POPULATION)
    # exact 50/7 = 7.142..., 20/7 = 2.857...: small has the larger remainder
    assert {s.recipient_id: s.amount for s in result.shares} == {"big": 7, "small": 3}


def test_the_answer_does_not_depend_on_the_order_of_recipients():
    recipients = [Recipient(str(i), w) for i, w in enumerate([3, 3, 3, 7, 1])]
    answers = set()
    for order in itertools.permutations(recipients):
        result = allocate(1_000, list(order), key=AllocationKey.POPULATION)
        answers.add(tuple(sorted((s.recipient_id, s.amount) for s in result.shares)))
    assert len(answers) == 1


@pytest.mark.parametrize("unit", [1, SEK])
def test_every_small_case_sums_exactly_and_stays_within_one_unit(unit):
    for total_units in range(0, 40):
        for weights in itertools.product([1, 2, 3, 7], repeat=3):
            recipients = [Recipient(f"r{i}", w) for i, w in enumerate(weights)]
            check_invariants(allocate(total_units * unit, recipients, key=AllocationKey.POPULATION, unit=unit),
                             unit)
            check_invariants(allocate(total_units * unit, recipients, key=AllocationKey.EQUAL, unit=unit,
                                      set_asides=[SetAside("s", Fraction(4))]), unit)


def test_random_large_cases_sum_exactly():
    rng = random.Random(20231)
    for _ in range(500):
        n = rng.randint(1, 40)
        recipients = [Recipient(f"m{i:03}", rng.randint(1, 1_000_000)) for i in range(n)]
        unit = rng.choice([1, SEK])
        total = rng.randint(0, 10**12) // unit * unit
        asides = [SetAside("s", Fraction(rng.randint(1, 300), 10))] if rng.random() < 0.5 else []
        check_invariants(allocate(total, recipients, key=AllocationKey.POPULATION, unit=unit, set_asides=asides),
                         unit)


def test_fraction_text():
    assert fraction_text(Fraction(3)) == "3"
    assert fraction_text(Fraction(6, 4)) == "3/2"


@pytest.mark.parametrize(("call", "field", "rule"), [
    (lambda: allocate(150, [Recipient("a")], key=AllocationKey.EQUAL, unit=SEK), "total", "whole_rounding_units"),
    (lambda: allocate(100, [], key=AllocationKey.EQUAL), "recipients", "not_empty"),
    (lambda: allocate(100, [Recipient("a"), Recipient("a")], key=AllocationKey.EQUAL), "recipients.1.id", "unique"),
    (lambda: allocate(100, [Recipient("a", 0)], key=AllocationKey.POPULATION), "recipients.0.weight", "positive"),
    (lambda: allocate(100, [Recipient("a", 60), Recipient("b", 30)], key=AllocationKey.PERCENTAGE), "recipients",
     "percentages_sum_to_100"),
    (lambda: allocate(100, [Recipient("a", 60), Recipient("b", 30)], key=AllocationKey.FIXED), "recipients",
     "amounts_sum_to_total"),
    (lambda: allocate(100, [Recipient("a", 50), Recipient("b", 50)], key=AllocationKey.FIXED,
                      set_asides=[SetAside("s", Fraction(4))]), "set_asides", "not_with_fixed"),
    (lambda: allocate(100, [Recipient("a")], key=AllocationKey.EQUAL, set_asides=[SetAside("s", Fraction(100))]),
     "set_asides.0.percent", "percent_range"),
    (lambda: allocate(100, [Recipient("a")], key=AllocationKey.EQUAL, unit=7), "rounding", "rounding_unit"),
    (lambda: allocate(-100, [Recipient("a")], key=AllocationKey.EQUAL), "total", "not_negative"),
])
def test_refusals_name_the_field_and_rule(call, field, rule):
    with pytest.raises(AllocationRefused) as refused:
        call()
    assert any(e.field == field and e.rule == rule for e in refused.value.errors), refused.value.errors
