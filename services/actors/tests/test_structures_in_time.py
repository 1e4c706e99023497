"""The shipped structures read on dates, as the loader stores them: attested-only relations bounded by the rule in
reference_data/evidence.py, then the consistency rule (relations/consistency.py) checked on every first of June
from 2010 to 2026, and the seeds' own counts on their dates. No database: the same pure functions the loader and
the service use."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from services.actors.reference_data.evidence import bound_relations, network_seats
from services.actors.relations.consistency import violations_on
from services.actors.relations.validity import holds
from services.actors.tests.structures_support import GENERATED_IDS, kind_of
from shared.periods import holds_on


@pytest.fixture(scope="module")
def bounded(data: dict[str, Any]) -> list[Any]:
    return [SimpleNamespace(id=f"{r.kind} {r.subject} {r.object} {r.key_date}", kind=r.kind, subject_id=r.subject,
                            object_id=r.object, unit_id=r.unit, joint=r.joint, valid_from=r.valid_from,
                            valid_to=r.valid_to, evidence=r.evidence, attested_until=r.attested_until,
                            confirmed_from=None) for r in bound_relations(data)]


@pytest.fixture(scope="module")
def posts(data: dict[str, Any]) -> list[Any]:
    rss = [o["id"] for o in data["organisations"] if o["kind"] == "rss"]
    shipped = [SimpleNamespace(id=p["id"], organisation_id=p["organisation"], on_behalf_of_id=p.get("on_behalf_of"),
                               role=p["role"], valid_from=p.get("valid_from"), valid_to=p.get("valid_to"))
               for p in data["posts"]]
    return shipped + network_seats(rss, bound_relations(data))


def periods(data: dict[str, Any]) -> dict[str, tuple[date | None, date | None, str]]:
    out = {o["id"]: (o.get("valid_from"), o.get("valid_to"), o["kind"]) for o in data["organisations"]}
    out.update({i: (None, None, i.split("-")[0]) for i in GENERATED_IDS})
    return out


@pytest.mark.parametrize("year", range(2010, 2027))
def test_the_register_is_consistent_on_the_first_of_june(year: int, data: dict[str, Any], bounded: list[Any],
                                                         posts: list[Any]) -> None:
    assert violations_on(date(year, 6, 1), periods(data), bounded, posts) == []


def test_every_relation_is_dated_or_attested(data: dict[str, Any]) -> None:
    assert [r for r in data["relations"] if not (r.get("valid_from") or r.get("attested"))] == []
    assert all(r.evidence in {"exact", "month", "year", "attested"} for r in bound_relations(data))


def placements(bounded: list[Any], orgs: dict[str, Any], on: date, kind: str = "hosts") -> dict[str, set[str]]:
    """County codes of the RSS placed on the date, by the kind of the organisation placing them."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in bounded:
        if r.kind == kind and kind_of(orgs, r.object_id) == "rss" and holds_on(r.valid_from, r.valid_to, on):
            out[kind_of(orgs, r.subject_id)].add(orgs[r.object_id]["county"])
    return dict(out)


def test_seed_002_placements_in_2012(bounded: list[Any], orgs: dict[str, Any]) -> None:
    """Seed 002, 'Var fanns plattformen för det regionala arbetet 2012?'."""
    hosts = placements(bounded, orgs, date(2012, 6, 1))
    assert hosts == {
        "municipal_association": {"12", "25", "22"}, "local_federation": {"14"},
        "regional_association": {"20", "21", "23", "06", "08", "07", "04", "03", "19", "24", "18"},
        "region": {"13", "09"}, "rd_unit": {"10", "01"}, "university": {"17"},
    }
    assert placements(bounded, orgs, date(2012, 6, 1), "employer_of") == {"rd_unit": {"04"}}


def test_seed_004_host_categories_late_in_2013(bounded: list[Any], orgs: dict[str, Any]) -> None:
    """Seed 004 (plans of November 2013): 12 at a regional association or regionkommun, 5 at a kommun- or
    kommunalförbund, 3 with the county council as employer, 1 university, 1 R&D unit financed by seven
    municipalities; in 8 counties the platform sits in an R&D environment."""
    on = date(2013, 11, 15)
    hosts = placements(bounded, orgs, on)
    regional = hosts["regional_association"] | hosts["region"]
    municipal = hosts["municipal_association"] | hosts["local_federation"]
    assert (len(regional), len(municipal), len(hosts["university"]), len(hosts["rd_unit"])) == (12, 5, 1, 1)
    assert placements(bounded, orgs, on, "employer_of") == {"region": {"10", "01", "04"}}
    in_rd = {orgs[r.object_id]["county"] for r in bounded
             if r.kind in {"hosts", "employer_of"} and holds_on(r.valid_from, r.valid_to, on)
             and (kind_of(orgs, r.subject_id) == "rd_unit" or (r.unit_id and kind_of(orgs, r.unit_id) == "rd_unit"))}
    assert in_rd == {"10", "21", "06", "25", "03", "17", "24", "05"}


def test_stockholm_and_dalarna_hosts_on_the_four_dates(bounded: list[Any]) -> None:
    def hosts(rss: str, on: date) -> set[str]:
        return {r.subject_id for r in bounded if r.kind == "hosts" and r.object_id == rss
                and holds_on(r.valid_from, r.valid_to, on)}
    assert [hosts("rss-01", date(y, m, 1)) for y, m in ((2012, 6), (2013, 6), (2015, 6), (2019, 11), (2023, 6))] \
        == [{"aldrecentrum"}, {"storsthlm"}, {"storsthlm", "region-01"}, set(), set()]
    assert [hosts("rss-20", date(y, m, 1)) for y, m in ((2012, 6), (2013, 6), (2019, 11), (2023, 6))] \
        == [{"regionforbund-20"}, {"regionforbund-20"}, {"region-20"}, {"region-20"}]


def test_stockholm_seats_in_the_national_rss_network(posts: list[Any]) -> None:
    def seats(on: date) -> int:
        return len([p for p in posts if p.organisation_id == "network-rss" and p.on_behalf_of_id == "rss-01"
                    and holds_on(p.valid_from, p.valid_to, on)])
    assert (seats(date(2017, 6, 1)), seats(date(2017, 12, 1)), seats(date(2019, 11, 1))) == (2, 8, 8)


def test_dalarna_development_leader_posts_per_agreement_period(data: dict[str, Any]) -> None:
    def posts_on(on: date) -> int:
        return len([p for p in data["posts"] if p["organisation"] == "rss-20" and p["role"] == "development_leader"
                    and holds_on(p.get("valid_from"), p.get("valid_to"), on)])
    assert [posts_on(date(y, 6, 1)) for y in (2014, 2016, 2020, 2022, 2023, 2026)] == [0, 5, 3, 3, 4, 4]


def test_hosts_known_only_from_2012_and_2013_are_unknown_after_their_last_attested_year(bounded: list[Any]) -> None:
    """The register's rule (relations/validity.py): known through the last attested year, unknown after, while
    the stored period runs on to the host's closing. RSS Uppsala's association: attested 2012 and 2013, dissolved
    when Region Uppsala took over its tasks on 2017-01-01. Dalarna's region hosts from its formation (a period
    from a decision), and stays known."""
    def hosts(rss: str, on: date) -> set[str]:
        return {r.subject_id for r in bounded if r.kind == "hosts" and r.object_id == rss and holds(r, on)}
    assert [hosts("rss-03", date(y, 6, 1)) for y in (2012, 2013, 2014, 2016, 2026)] == [
        {"regionforbund-03"}, {"regionforbund-03"}, set(), set(), set()]
    uppsala = next(r for r in bounded if r.kind == "hosts" and r.object_id == "rss-03")
    assert (uppsala.valid_from, uppsala.valid_to, uppsala.attested_until) == (
        date(2012, 1, 1), date(2017, 1, 1), date(2014, 1, 1))
    assert hosts("rss-20", date(2026, 6, 1)) == {"region-20"}
    assert hosts("rss-01", date(2015, 6, 1)) == {"storsthlm", "region-01"}  # an end a source gives is kept
    known_today = {r.object_id for r in bounded if r.kind in {"hosts", "employer_of"} and holds(r, date(2026, 6, 1))}
    assert known_today == {"rss-20"}, "2026: only Dalarna's host is known from a source after 2013"
