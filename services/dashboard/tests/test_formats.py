"""How the dashboard writes numbers, money, shares and dates for a Swedish reader."""

from __future__ import annotations

from datetime import date

import pytest

from services.dashboard import formats

NBSP, MINUS = "\u00a0", "\u2212"


@pytest.mark.parametrize(("ore", "text"), [
    (122553500, f"1{NBSP}225{NBSP}535{NBSP}kr"), (25000050, f"250{NBSP}000,50{NBSP}kr"), (0, f"0{NBSP}kr"),
    (5, f"0,05{NBSP}kr"), (-8000000, f"{MINUS}80{NBSP}000{NBSP}kr"), (None, "–")])
def test_money_is_kronor_with_groups_of_thousands_and_oere_only_when_there_are_any(ore, text):
    assert formats.money(ore) == text


@pytest.mark.parametrize(("amount", "ore"), [("1225535.00", 122553500), ("250000.5", 25000050), ("-80000.50", -8000050),
                                             (12, 1200), ("0.01", 1), (None, 0)])
def test_the_apis_amounts_become_oere_without_a_float(amount, ore):
    assert formats.ore_of(amount) == ore


@pytest.mark.parametrize("amount", ["1.005", "1e3", "12,50", "", True])
def test_an_amount_the_api_never_writes_is_refused(amount):
    with pytest.raises(ValueError):
        formats.ore_of(amount)


def test_shares_are_percent_with_one_decimal_rounded_half_up():
    assert formats.share(0.4762) == f"47,6{NBSP}%"
    assert formats.share(0.3265) == f"32,7{NBSP}%"
    assert formats.share(0.4) == f"40{NBSP}%"
    assert formats.share(1.0) == f"100{NBSP}%"
    assert formats.share(None) == "–"
    assert formats.share_change(0.6667, 0.3333) == f"+33,3{NBSP}procentenheter"
    assert formats.share_change(0.3, 0.35) == f"{MINUS}5{NBSP}procentenheter"


def test_decimals_take_a_comma_and_changes_their_sign():
    assert formats.decimal_text("3.20") == "3,20"
    assert formats.decimal_text("-0.44", signed=True) == f"{MINUS}0,44"
    assert formats.decimal_text("0.20", signed=True) == "+0,20"
    assert formats.count(1225535) == f"1{NBSP}225{NBSP}535"
    assert formats.day(date(2026, 12, 6)) == "2026-12-06"
    assert formats.yes_no(False) == "nej"
