"""When a relation holds on a date is one rule (services/actors/relations/validity.py): an attested-only relation
holds through its last attestation and is unknown after it until confirmed. Its Python and SQL forms give one
answer on the shipped register and on confirmed relations; the RSS overview says who the last known host was and
when it was last attested; a county confirms its own RSS's host, within the county-scope rule, without the stored
history changing."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Date, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.organisations.models import Organisation
from services.actors.reference_data.organisations import load_organisations
from services.actors.relations.models import Relation
from services.actors.relations.schemas import ConfirmIn, RelationIn
from services.actors.relations.service import RelationService
from services.actors.relations.validity import attested_until, holds, holds_sql, known_periods
from services.actors.structure.service import StructureService
from shared.identity import Principal, Role
from shared.periods import holds_on
from shared.problems import Conflict, Forbidden

pytestmark = pytest.mark.anyio

ON = bindparam("on", type_=Date)
UPPSALA = Principal(subject="county-03-uppsala", role=Role.COUNTY, county_code="03")
SKANE = Principal(subject="county-12-skane", role=Role.COUNTY, county_code="12")
DALARNA = Principal(subject="county-20-dalarna", role=Role.COUNTY, county_code="20")
ANYONE = Principal(subject="anonymous", role=Role.ANONYMOUS)
TODAY = date(2026, 6, 1)


def test_an_attested_only_relation_is_unknown_after_its_last_attestation() -> None:
    assert attested_until("attested", ["2012", "2013"], end_given=False, valid_to=None) == date(2014, 1, 1)
    assert attested_until("attested", ["2013-11-15"], end_given=False, valid_to=None) == date(2013, 11, 16)
    assert attested_until("attested", [2013], end_given=True, valid_to=date(2018, 1, 1)) is None  # a given end
    assert attested_until("attested", [2013], end_given=False, valid_to=date(2014, 1, 1)) is None  # ended by then
    assert attested_until("exact", [2022], end_given=False, valid_to=None) is None  # a period from a decision

    hosting = SimpleNamespace(valid_from=date(2012, 1, 1), valid_to=date(2017, 1, 1),
                              attested_until=date(2014, 1, 1), confirmed_from=None)
    assert [holds(hosting, date(y, 6, 1)) for y in (2011, 2013, 2014, 2016, 2017)] == [False, True, False, False,
                                                                                      False]
    assert known_periods(hosting) == [(date(2012, 1, 1), date(2014, 1, 1))]
    hosting.confirmed_from = date(2016, 3, 1)
    assert [holds(hosting, date(y, 6, 1)) for y in (2013, 2015, 2016, 2017)] == [True, False, True, False]
    assert known_periods(hosting) == [(date(2012, 1, 1), date(2014, 1, 1)), (date(2016, 3, 1), date(2017, 1, 1))]
    hosting.confirmed_from = date(2013, 6, 1)  # confirmed while still attested: known throughout
    assert known_periods(hosting) == [(date(2012, 1, 1), date(2017, 1, 1))]


async def test_the_sql_form_answers_what_the_python_form_answers(session: AsyncSession) -> None:
    """On every shipped relation, with some of them confirmed, on every day a bound falls on and the day before."""
    relations = (await session.scalars(select(Relation))).all()
    unknown_after = [r for r in relations if r.attested_until is not None]
    assert len(unknown_after) > 100, "the shipped register has attested-only relations"
    for n, relation in enumerate(unknown_after[::7]):
        relation.confirmed_from = relation.attested_until + timedelta(days=400 + n)
    await session.flush()
    days = {date(1990, 1, 1), date(2100, 1, 1)}
    for r in relations:
        days.update(d + timedelta(days=shift) for d in (r.valid_from, r.valid_to, r.attested_until, r.confirmed_from)
                    if d is not None for shift in (-1, 0))
    query = select(Relation.id).where(holds_sql(ON))
    for on in sorted(days)[::3]:
        in_sql = set((await session.scalars(query, {"on": on})).all())
        in_python = {r.id for r in relations if holds(r, on)}
        assert in_sql == in_python, on
        assert in_python == {r.id for r in relations if any(holds_on(*p, on) for p in known_periods(r))}, on


async def test_uppsala_has_no_known_host_today_and_names_the_last_known_with_its_year(session: AsyncSession) -> None:
    structure = StructureService(session, ANYONE)
    assert [h.organisation.id for h in (await structure.rss("rss-03", date(2013, 6, 1))).hosts] == ["regionforbund-03"]
    today = await structure.rss("rss-03", TODAY)
    assert (today.hosts, today.employers) == ([], [])
    unknown = today.placement_unknown
    assert unknown is not None and unknown.next_after is None
    assert (unknown.last_before.organisation.id, unknown.last_before.organisation.name, unknown.last_attested,
            unknown.last_known_until) == ("regionforbund-03", "Regionförbundet Uppsala län", "2013", date(2014, 1, 1))
    assert "Last known host: Regionförbundet Uppsala län, last attested 2013." in unknown.note
    # History is not rewritten: the stored relation keeps the longest period the sources allow.
    stored = await session.get(Relation, unknown.last_before.relation_id)
    assert (stored.valid_from, stored.valid_to, stored.attested) == (date(2012, 1, 1), date(2017, 1, 1), "2012,2013")
    # The association was dissolved when Region Uppsala took over its tasks.
    successor = await session.scalar(select(Relation).where(Relation.kind == "successor_of",
                                                            Relation.object_id == "regionforbund-03"))
    assert (successor.subject_id, successor.valid_from) == ("region-03", date(2017, 1, 1))


async def test_uppsalas_county_confirms_the_region_as_host_from_a_day(session: AsyncSession) -> None:
    confirming = RelationIn(kind="hosts", subject_id="region-03", object_id="rss-03",
                            confirmed_from=date(2026, 3, 1), source="Region Uppsala's county system, 2026-03-01")
    with pytest.raises(Forbidden):
        await RelationService(session, DALARNA).create(confirming.model_copy())
    created, _ = await RelationService(session, UPPSALA).create(confirming)
    assert (created.valid_from, created.evidence, created.attested, created.confirmed_from) == (
        date(2026, 3, 1), "attested", ["2026-03-01"], date(2026, 3, 1))
    structure = StructureService(session, ANYONE)
    today = await structure.rss("rss-03", TODAY)
    assert [(h.organisation.id, h.organisation.name) for h in today.hosts] == [("region-03", "Region Uppsala")]
    assert today.placement_unknown is None
    before = (await structure.rss("rss-03", date(2025, 6, 1))).placement_unknown
    assert (before.last_before.organisation.id, before.next_after.organisation.id, before.next_known_from) == (
        "regionforbund-03", "region-03", date(2026, 3, 1))


async def test_a_county_confirms_an_attested_host_and_the_one_host_rule_reads_known_days(
        session: AsyncSession) -> None:
    """Kommunförbundet Skåne hosted RSS Skåne in 2012 and 2013 (seeds 002, 004): unknown after, until Skåne's
    county system confirms it. A second host confirmed for the same days is refused; one for days on which the
    association is unknown is not."""
    hosting = await session.scalar(select(Relation).where(Relation.kind == "hosts", Relation.object_id == "rss-12",
                                                          Relation.subject_id == "kommunforbund-12"))
    structure = StructureService(session, ANYONE)
    assert (await structure.rss("rss-12", TODAY)).placement_unknown.last_attested == "2013"
    with pytest.raises(Forbidden):
        await RelationService(session, UPPSALA).confirm(hosting.id, ConfirmIn(on=date(2026, 1, 1)),
                                                        f'"{hosting.version}"')
    confirmed = await RelationService(session, SKANE).confirm(
        hosting.id, ConfirmIn(on=date(2026, 1, 1), source="Kommunförbundet Skåne, 2026"), f'"{hosting.version}"')
    assert (confirmed.confirmed_from, confirmed.active, confirmed.sources[-1]) == (
        date(2026, 1, 1), True, "Kommunförbundet Skåne, 2026")
    assert [h.organisation.id for h in (await structure.rss("rss-12", TODAY)).hosts] == ["kommunforbund-12"]
    assert (await structure.rss("rss-12", date(2020, 6, 1))).hosts == []  # between: still unknown

    skane = RelationService(session, SKANE)
    with pytest.raises(Conflict) as refused:
        await skane.create(RelationIn(kind="hosts", subject_id="region-12", object_id="rss-12",
                                      confirmed_from=date(2026, 5, 1)))
    assert refused.value.errors[0].rule == "one_host"
    earlier, _ = await skane.create(RelationIn(kind="hosts", subject_id="region-12", object_id="rss-12",
                                               valid_from=date(2016, 1, 1), valid_to=date(2018, 1, 1)))
    assert [h.organisation.id for h in (await structure.rss("rss-12", date(2017, 6, 1))).hosts] == ["region-12"]
    with pytest.raises(Conflict) as known:
        await skane.confirm(earlier.id, ConfirmIn(on=date(2017, 1, 1)), f'"{earlier.version}"')
    assert known.value.errors[0].rule == "known"


async def test_a_register_set_up_by_an_earlier_release_learns_what_is_unknown_on_setup(
        session: AsyncSession) -> None:
    """Before this release no relation had `attested_until`, and Uppsala's association had no end: the loader's
    corrections bring both to this release's reference data, and keep a county's confirmation."""
    shipped = dict((await session.execute(select(Relation.id, Relation.attested_until)
                                          .where(Relation.attested_until.is_not(None)))).all())
    hosting = await session.scalar(select(Relation.id).where(Relation.kind == "hosts", Relation.object_id == "rss-03"))
    skane_id = await session.scalar(select(Relation.id).where(Relation.kind == "hosts", Relation.object_id == "rss-12"))
    await session.execute(delete(AuditEvent).where(AuditEvent.action == "load_reference_data"))
    await session.execute(update(Relation).values(attested_until=None))
    await session.execute(delete(Relation).where(Relation.kind == "successor_of",
                                                 Relation.object_id == "regionforbund-03"))
    await session.execute(update(Relation).where(Relation.subject_id == "regionforbund-03").values(valid_to=None))
    await session.execute(update(Relation).where(Relation.object_id == "regionforbund-03",
                                                 Relation.kind == "part_of").values(valid_to=None))
    await session.execute(update(Organisation).where(Organisation.id == "regionforbund-03").values(valid_to=None))
    session.expire_all()
    assert [h.organisation.id for h in (await StructureService(session, ANYONE).rss("rss-03", TODAY)).hosts] == [
        "regionforbund-03"], "as the earlier release answered"
    skane = await session.get(Relation, skane_id)
    skane.attested_until = date(2014, 1, 1)  # a county confirmed its host before the upgrade finished loading
    await session.flush()
    await RelationService(session, SKANE).confirm(skane_id, ConfirmIn(on=date(2026, 1, 1)), f'"{skane.version}"')

    counts = await load_organisations(session)

    assert counts["corrected_relations"] >= len(shipped) - 1 and counts["inconsistencies"] == 0, counts
    assert counts["new_relations"] == 1  # Region Uppsala's succession
    session.expire_all()
    now = dict((await session.execute(select(Relation.id, Relation.attested_until)
                                      .where(Relation.attested_until.is_not(None)))).all())
    assert now == shipped
    assert (await session.get(Organisation, "regionforbund-03")).valid_to == date(2017, 1, 1)
    assert (await session.get(Relation, hosting)).valid_to == date(2017, 1, 1)
    assert (await session.get(Relation, skane_id)).confirmed_from == date(2026, 1, 1)
    today = await StructureService(session, ANYONE).rss("rss-03", TODAY)
    assert today.hosts == [] and today.placement_unknown.last_attested == "2013"
