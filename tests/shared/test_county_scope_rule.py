"""The county-scope rule on its own: who may write a record owned by a county, or by none."""

import pytest

from shared.authorization import county_read_scope, require_county_scope
from shared.identity import Principal, Role
from shared.problems import Forbidden

DALARNA = Principal(subject="county-20", role=Role.COUNTY, county_code="20")
ADMIN = Principal(subject="skr", role=Role.NATIONAL_ADMIN)
DASHBOARD = Principal(subject="dashboard", role=Role.DASHBOARD)
ANONYMOUS = Principal(subject="anonymous", role=Role.ANONYMOUS)


def refusal(**kwargs) -> Forbidden:
    caller = kwargs.pop("caller", DALARNA)
    owner = kwargs.pop("owner", "20")
    with pytest.raises(Forbidden) as refused:
        require_county_scope(caller, owner, what="the record", **kwargs)
    return refused.value


def test_a_county_writes_its_own_countys_record_referring_to_its_own_and_to_national_records():
    require_county_scope(DALARNA, "20", what="the record", new_owner="20",
                         references={"body.object_id": "20", "body.on_behalf_of_id": None})


def test_a_national_administrator_writes_everything_and_moves_records_between_counties():
    require_county_scope(ADMIN, "20", what="the record", new_owner="01", references={"body.object_id": "01"})
    require_county_scope(ADMIN, None, what="the record", new_owner=None)


@pytest.mark.parametrize(("case", "kwargs", "field"), [
    ("another county's record", {"owner": "01", "field": "body.county_code"}, "body.county_code"),
    ("a record of no county", {"owner": None, "field": "body.county_code"}, "body.county_code"),
    ("moved to another county", {"new_owner": "01", "field": "body.county_code"}, "body.county_code"),
    ("moved to no county", {"new_owner": None, "field": "body.county_code"}, "body.county_code"),
    ("referring to another county's record", {"references": {"body.object_id": "01"}}, "body.object_id"),
])
def test_a_county_is_refused_naming_the_field(case, kwargs, field):
    problem = refusal(**kwargs).to_problem()
    assert problem.status == 403
    assert [(e.field, e.rule) for e in problem.errors] == [(field, "forbidden")], case


def test_the_refusal_names_both_counties():
    assert "county 01" in refusal(owner="01").detail
    assert "county 20" in refusal(owner="01").detail
    assert "no county" in refusal(new_owner=None).detail


@pytest.mark.parametrize("caller", [DASHBOARD, ANONYMOUS], ids=["dashboard", "anonymous"])
def test_read_only_callers_write_nothing_not_even_records_without_a_county(caller):
    assert "may read but not change" in refusal(caller=caller, owner=None).detail


def test_a_county_reads_its_own_countys_history_others_read_every_countys():
    assert county_read_scope(DALARNA) == "20"
    assert county_read_scope(ADMIN) is None
    assert county_read_scope(DASHBOARD) is None
