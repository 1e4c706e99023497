"""A register loaded by an earlier release, loaded again with this release's reference data
(reference_data/corrections.py): what nobody changed comes to what a fresh register holds, what people changed
stays theirs. The earlier release is imitated on the shipped register, in a transaction rolled back after each test
(services/actors/tests/conftest.py): bounds and name histories taken away as the releases before the evidence
model shipped them, and a relation that release had and this one withdrew.

Measured on a real upgrade as well: a register set up by the release before migration 0005 and then by this one
(`python -m services.actors setup` on one SQLite file with each checkout) came to the fresh register's
organisations, names, identifiers, relations and posts exactly, with no broken consistency rule from 2010 to 2026."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.audit.repository import AuditRepository
from services.actors.organisations.models import Organisation, OrganisationName
from services.actors.people.schemas import PersonIn
from services.actors.people.service import PersonService
from services.actors.posts.models import Membership, Post
from services.actors.posts.schemas import MembershipIn
from services.actors.posts.service import PostService
from services.actors.reference_data.corrections import ORGANISATIONS, POSTS, RELATIONS, values
from services.actors.reference_data.organisations import load_organisations
from services.actors.relations.consistency import violations_on
from services.actors.relations.models import Relation
from services.actors.relations.service import RelationService
from shared.authorization import county_read_scope
from shared.etag import etag
from shared.identity import Principal, Role
from shared.periods import CloseIn

pytestmark = pytest.mark.anyio

COUNTY_01 = Principal(subject="county-01-system", role=Role.COUNTY, county_code="01")
ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
SORMLAND_2012 = "ref-employer-of-fou-i-sormland-rss-04-2012"  # attested for 2012: 2012-01-01 to 2013-01-01
STOCKHOLM_2013 = "ref-employer-of-region-01-rss-01-2013"  # attested for 2013: 2013-01-01 to 2014-01-01
WITHDRAWN = "ref-hosts-region-20-rss-20-2022"  # an earlier release's undated host, since replaced


async def register(session: AsyncSession) -> dict[str, dict[str, Any]]:
    """Every organisation's, relation's and post's compared fields, by kind and id."""
    return {kind.entity_type: {r.id: values(kind, r) for r in (await session.scalars(select(kind.model))).all()}
            for kind in (ORGANISATIONS, RELATIONS, POSTS)}


async def as_an_earlier_release_left_it(session: AsyncSession) -> None:
    # An earlier release recorded no digest of the reference data it loaded (reference_data/organisations.py).
    await session.execute(delete(AuditEvent).where(AuditEvent.action == "load_reference_data"))
    for relation_id in (SORMLAND_2012, STOCKHOLM_2013):
        relation = await session.get(Relation, relation_id)
        relation.valid_from = relation.valid_to = relation.evidence = relation.attested = None
    region = await session.get(Organisation, "region-01")
    region.names = [OrganisationName(name="Region Stockholm", position=0, search_name="region stockholm")]
    region.note = "Only the current name is given."
    seat = await session.get(Post, "seat-network-aldre-rss-03")
    seat.valid_from = None
    session.add(Relation(id=WITHDRAWN, kind="hosts", subject_id="region-20", object_id="rss-20", reported=2022,
                         source="seed 003"))
    await session.flush()


async def test_what_nobody_changed_comes_to_the_fresh_register(session: AsyncSession) -> None:
    fresh = await register(session)
    await as_an_earlier_release_left_it(session)
    assert (await register(session)) != fresh

    counts = await load_organisations(session)

    assert (await register(session)) == fresh
    assert counts | {"corrected_organisations": 1, "corrected_relations": 2, "corrected_posts": 1,
                     "withdrawn_relations": 1, "kept": 0, "inconsistencies": 0} == counts
    assert await session.get(Relation, WITHDRAWN) is None
    events = (await session.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.before,
                                           AuditEvent.after, AuditEvent.county_code)
                                    .where(AuditEvent.actor == "reference-data",
                                           AuditEvent.action.in_(["correct", "withdraw"])))).all()
    by_id = {e.entity_id: e for e in events}
    assert by_id[SORMLAND_2012].before["valid_from"] is None
    assert by_id[SORMLAND_2012].after | {"valid_from": "2012-01-01", "valid_to": "2013-01-01",
                                         "evidence": "attested", "attested": "2012"} == by_id[SORMLAND_2012].after
    assert [n["name"] for n in by_id["region-01"].after["names"]] == ["Stockholms läns landsting", "Region Stockholm"]
    assert (by_id["region-01"].county_code, by_id[SORMLAND_2012].county_code) == ("01", "04")
    assert (by_id[WITHDRAWN].action, by_id[WITHDRAWN].after) == ("withdraw", None)
    # Södermanland's system reads the corrections of its county's records, and no other county's.
    seen, _ = await AuditRepository(session).search(
        county_code=county_read_scope(Principal(subject="county-04-system", role=Role.COUNTY, county_code="04")),
        entity_type=None, entity_id=None, actor="reference-data", after=None, limit=1000)
    assert SORMLAND_2012 in {e.entity_id for e in seen} and {e.county_code for e in seen} == {"04"}

    again = await load_organisations(session)
    assert not any(again.values()), "a second load finds nothing to add or correct"
    assert "corrected_relations" not in again, "with the same reference data it does not compare again"


async def test_a_load_of_the_same_reference_data_skips_the_comparison(session: AsyncSession) -> None:
    """The register was loaded with this release's data: loading it again compares nothing, even where a record
    differs (here by a hand-made change that left no audit event, which a comparison would undo)."""
    relation = await session.get(Relation, SORMLAND_2012)
    relation.note = "Ändrad utan revisionshändelse"
    await session.flush()

    counts = await load_organisations(session)

    assert counts == {"new_organisations": 0, "new_relations": 0, "new_posts": 0}
    assert (await session.get(Relation, SORMLAND_2012)).note == "Ändrad utan revisionshändelse"


async def test_the_corrected_register_is_consistent_on_every_first_of_june(session: AsyncSession) -> None:
    await as_an_earlier_release_left_it(session)
    await load_organisations(session)
    organisations = {o.id: (o.valid_from, o.valid_to, o.kind) for o in await session.scalars(select(Organisation))}
    relations = (await session.scalars(select(Relation))).all()
    posts = (await session.scalars(select(Post))).all()
    for year in range(2010, 2027):
        assert violations_on(date(year, 6, 1), organisations, relations, posts) == []
    memberships = (await session.execute(select(Membership.valid_from, Membership.valid_to, Post.valid_from,
                                                Post.valid_to).join(Post, Post.id == Membership.post_id))).all()
    assert [m for m in memberships if (m[2] and (m[0] is None or m[0] < m[2]))
            or (m[3] and (m[1] is None or m[1] > m[3]))] == [], "every holder within the post's period"


async def test_what_people_changed_stays_theirs(session: AsyncSession) -> None:
    await as_an_earlier_release_left_it(session)
    # A county closes a shipped relation; a person is made the holder of a seat from before its corrected start.
    relation = await session.get(Relation, STOCKHOLM_2013)
    await RelationService(session, COUNTY_01).close(STOCKHOLM_2013, CloseIn(valid_to=date(2015, 1, 1)),
                                                    etag(relation.version))
    await PersonService(session, ADMIN).create(PersonIn(id="holder-x", given_name="Exempel", family_name="Holder"))
    await PostService(session, ADMIN).create_membership(MembershipIn(
        id="m-x", post_id="seat-network-aldre-rss-03", person_id="holder-x", valid_from=date(2018, 1, 1),
        valid_to=date(2018, 6, 1)))

    counts = await load_organisations(session)

    closed = await session.get(Relation, STOCKHOLM_2013)
    assert (closed.valid_from, closed.valid_to, closed.evidence) == (date(2013, 1, 1), date(2015, 1, 1), "attested")
    seat = await session.get(Post, "seat-network-aldre-rss-03")
    assert seat.valid_from is None, "the corrected start would leave the person's membership outside the seat"
    assert (await session.get(Membership, "m-x")).valid_from == date(2018, 1, 1)
    assert counts["kept"] == 2
    assert counts["inconsistencies"] == 1, "the seat kept open-ended is held for RSS 03 before it joined the network"
    assert counts["corrected_relations"] == 2 and counts["corrected_posts"] == 0


async def test_the_check_after_corrections_takes_the_calendars_first_day(session: AsyncSession) -> None:
    """A county may register an organisation from 0001-01-01 (a date the API accepts); the consistency check
    after a correcting load starts the day before the earliest date, which the calendar does not have."""
    session.add(Organisation(id="probe-from-year-one", kind="rd_unit", county_code="20", valid_from=date.min,
                             names=[OrganisationName(name="Prov FoU", position=0, search_name="prov fou",
                                                     valid_from=date.min)]))
    await as_an_earlier_release_left_it(session)

    counts = await load_organisations(session)

    assert counts["corrected_relations"] == 2 and counts["inconsistencies"] == 0
