"""The small-numbers rule on its own: which tables of a round are withheld from which caller, given how many
responses each county submitted (minimum group size 3)."""

from __future__ import annotations

import pytest

from services.surveys.aggregation.suppression import COMPLEMENTARY, MIN_GROUP, withheld
from shared.identity import Principal, Role

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
DASHBOARD = Principal(subject="national-dashboard", role=Role.DASHBOARD)
DALARNA = Principal(subject="county-20-dalarna", role=Role.COUNTY, county_code="20")
STOCKHOLM = Principal(subject="county-01-stockholm", role=Role.COUNTY, county_code="01")


def rules(caller: Principal, submitted: dict[str | None, int]) -> tuple[dict[str, str], bool]:
    found = withheld(caller, submitted, 3)
    return found.counties, found.nation


@pytest.mark.parametrize(("caller", "submitted", "expected"), [
    (ADMIN, {"20": 1}, ({}, False)),
    (DALARNA, {"20": 1}, ({}, False)),  # its own answers
    (STOCKHOLM, {"20": 1}, ({"20": MIN_GROUP}, True)),  # the nation is Falun
    (DASHBOARD, {"20": 1}, ({"20": MIN_GROUP}, True)),
    (DASHBOARD, {"20": 3}, ({}, False)),
    (DASHBOARD, {}, ({}, False)),  # nothing answered, nothing to tell
    (STOCKHOLM, {"01": 1, "20": 3}, ({}, False)),  # the nation less its own is Dalarna's three
    (DALARNA, {"20": 3, "21": 1}, ({"21": MIN_GROUP}, True)),  # the nation less its own is Gävle alone
    (STOCKHOLM, {"20": 3, "21": 1}, ({"21": MIN_GROUP, "20": COMPLEMENTARY}, False)),
    (DASHBOARD, {"20": 5, "21": 1, "09": 1, "25": 4}, ({"21": MIN_GROUP, "09": MIN_GROUP, "25": COMPLEMENTARY},
                                                       False)),  # the smallest county above the minimum goes
    (DASHBOARD, {"20": 5, "21": 2, "09": 1}, ({"21": MIN_GROUP, "09": MIN_GROUP}, False)),  # two small ones: 3
    (DASHBOARD, {"20": 5, None: 1}, ({"20": COMPLEMENTARY}, False)),  # no county's answers have no table
    (DASHBOARD, {None: 2}, ({}, True)),
])
def test_the_tables_withheld_from_a_caller(caller, submitted, expected):
    assert rules(caller, submitted) == expected


def test_the_suppression_names_its_rule_and_minimum():
    found = withheld(STOCKHOLM, {"20": 3, "21": 1}, 3)
    assert found.of("01") is None and found.of(None) is None
    assert (found.of("21").rule, found.of("21").minimum) == (MIN_GROUP, 3)
    assert found.of("20").rule == COMPLEMENTARY and "fewer than 3" in found.of("20").detail
