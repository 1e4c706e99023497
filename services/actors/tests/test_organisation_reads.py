"""One organisation is read as rows (services/actors/organisations/records.py: load_record), like the list pages,
not as an ORM object, alone and at the head of an RSS's overview: on the shipped register every organisation
reads as its ORM object presents it."""

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
