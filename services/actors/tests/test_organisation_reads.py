"""One organisation is read as rows (services/actors/organisations/repository.py: OrganisationRepository.record),
like the list pages, not as an ORM object, alone and at the head of an RSS's overview: on the shipped register
every organisation reads as its ORM object presents it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.organisations.presenter import contact_out, organisation_out
from services.actors.organisations.repository import OrganisationRepository
from services.actors.structure.service import StructureService
from shared.identity import Principal, Role
from shared.problems import NotFound

pytestmark = pytest.mark.anyio
DATES = (date(2012, 6, 1), date(2019, 11, 1), date.today())


async def test_one_organisation_read_as_rows_is_what_its_orm_object_presents(session: AsyncSession) -> None:
    repository = OrganisationRepository(session)
    organisations = (await session.scalars(select(Organisation).order_by(Organisation.id))).all()
    assert len(organisations) > 400, "the shipped register"
    assert any(len(o.names) > 1 for o in organisations) and any(o.identifiers for o in organisations)
    for organisation in organisations:
        record = await repository.record_or_404(organisation.id)
        for on in DATES:
            assert organisation_out(record, on) == organisation_out(organisation, on)
    with pytest.raises(NotFound, match="No organisation has id 'no-such-organisation'"):
        await repository.record_or_404("no-such-organisation")


async def test_an_rss_overview_shows_the_rss_as_its_orm_object_presents_it(session: AsyncSession) -> None:
    structure = StructureService(session, Principal(subject="dashboard", role=Role.DASHBOARD))
    every_rss = (await session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.RSS.value)
                                       .order_by(Organisation.id))).all()
    assert len(every_rss) >= 21
    for rss in every_rss:
        for on in DATES:
            overview = await structure.rss(rss.id, on)
            assert overview.rss == organisation_out(rss, on)
            assert overview.contacts == [contact_out(c) for c in rss.contacts]
    with pytest.raises(NotFound, match="not an RSS"):
        await structure.rss("skr", DATES[-1])


async def test_a_search_read_as_rows_is_what_the_orm_objects_present(session: AsyncSession) -> None:
    """Each filter combination is its own statement (built on first use): each is held to the ORM's answer, the
    count of all matches with it, and a page past the end still counts them."""
    repository = OrganisationRepository(session)
    every = (await session.scalars(select(Organisation).order_by(Organisation.id))).all()
    on = date(2019, 11, 1)

    def named(organisation: Organisation, term: str) -> bool:
        return any(term in n.search_name for n in organisation.names)

    cases = [  # (filters, which organisations the ORM objects say match)
        ({}, lambda o: organisation_out(o, on).active),
        ({"kind": "rss"}, lambda o: o.kind == "rss" and organisation_out(o, on).active),
        ({"county_code": "20", "include_inactive": True}, lambda o: o.county_code == "20"),
        ({"name": "fou", "include_inactive": True}, lambda o: named(o, "fou")),
    ]
    for filters, matches in cases:
        expected = [organisation_out(o, on) for o in every if matches(o)]
        assert expected, filters
        arguments = {"kind": None, "county_code": None, "name": None, "include_inactive": False, **filters}
        rows, count = await repository.search(**arguments, as_of=on, after=None, limit=1_000)
        assert [organisation_out(r, on) for r in rows] == expected and count == len(expected), filters
        rows, _ = await repository.search(**arguments, as_of=on, after=expected[0].id, limit=3)
        assert [organisation_out(r, on) for r in rows] == expected[1:4], filters
        assert await repository.search(**arguments, as_of=on, after="~", limit=3) == ([], len(expected)), filters
