"""The RSS overview reads in six statements on the driver (services/actors/structure/repository.py: overview);
the relations' and posts' repositories answer the same questions through the ORM session. Both are presented
with the same presenters and must give the same overview for every RSS on every first of June the register
covers, for a caller who sees contact details and one who does not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.organisations.presenter import organisation_refs
from services.actors.organisations.repository import OrganisationRepository
from services.actors.posts.models import PostRole
from services.actors.posts.repository import PostRepository
from services.actors.posts.service import PostService
from services.actors.relations.models import RelationKind
from services.actors.relations.repository import RelationRepository
from services.actors.structure.presenter import related_out
from services.actors.structure.service import StructureService
from shared.identity import Principal, Role

pytestmark = pytest.mark.anyio

CALLERS = (Principal(subject="anonymous", role=Role.ANONYMOUS),
           Principal(subject="skr", role=Role.NATIONAL_ADMIN))
# The dates the seeds describe, and one before and after them; the two callers take turns.
DATES = (date(2010, 6, 1), date(2012, 6, 1), date(2013, 11, 15), date(2019, 11, 1), date(2026, 6, 1))
EVERY = 10_000


async def _through_the_orm(session: AsyncSession, caller: Principal, rss_id: str, on: date) -> dict[str, list]:
    relations = RelationRepository(session)
    incoming = list(await relations.touching(rss_id, as_of=on, direction="object"))
    outgoing = list(await relations.touching(rss_id, as_of=on, direction="subject"))
    ends = {r.subject_id for r in incoming} | {r.object_id for r in outgoing} | \
        {r.unit_id for r in incoming + outgoing if r.unit_id}
    orgs = organisation_refs(await OrganisationRepository(session).heads(ends), on)
    posts = PostRepository(session)
    contact_points, _ = await posts.search(organisation_id=rss_id, on_behalf_of_id=None,
                                           role=PostRole.CONTACT_POINT.value, network_county=None, vacant=None,
                                           as_of=on, after=None, limit=EVERY, with_count=False)
    representing, _ = await posts.search(organisation_id=None, on_behalf_of_id=rss_id, role=None,
                                         network_county=None, vacant=None, as_of=on, after=None, limit=EVERY,
                                         with_count=False)
    present = PostService(session, caller).present_posts

    def kind(rels: list, k: RelationKind, side: str) -> list:
        return related_out([r for r in rels if r.kind == k.value], other_side=side, organisations=orgs)

    return {
        "hosts": kind(incoming, RelationKind.HOSTS, "subject_id"),
        "employers": kind(incoming, RelationKind.EMPLOYER_OF, "subject_id"),
        "parties": kind(incoming, RelationKind.MEMBER_OF, "subject_id"),
        "governed_by": kind(incoming, RelationKind.GOVERNS, "subject_id"),
        "groups": kind(incoming, RelationKind.PART_OF, "subject_id"),
        "networks": kind(outgoing, RelationKind.MEMBER_OF, "object_id"),
        "contact_points": await present(contact_points, on),
        "representatives": await present(representing, on),
    }


async def test_the_overview_answers_what_the_orm_repositories_answer(session: AsyncSession) -> None:
    rss_ids = (await session.scalars(select(Organisation.id).where(
        Organisation.kind == OrganisationKind.RSS.value).order_by(Organisation.id))).all()
    assert len(rss_ids) >= 21, "the shipped register has its RSS"
    compared = 0
    for n, on in enumerate(DATES):
        caller = CALLERS[n % 2]
        for rss_id in rss_ids:
            fast = await StructureService(session, caller).rss(rss_id, on)
            expected = await _through_the_orm(session, caller, rss_id, on)
            assert {part: getattr(fast, part) for part in expected} == expected, (caller.role, rss_id, on)
            compared += sum(len(rows) for rows in expected.values())
    assert compared > 500, "hosts, parties, networks and posts were compared, not only empty lists"
