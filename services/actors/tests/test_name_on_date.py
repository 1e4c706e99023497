"""The name an organisation had on a date is one rule (services/actors/organisations/presenter.py: name_on),
with an SQL form for the representatives read (OrganisationRepository.name_on_date): both give the same name for
every organisation of the shipped register, on every day a name begins or ends, the day before, and long before
and after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Date, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations.models import Organisation
from services.actors.organisations.presenter import name_on
from services.actors.organisations.repository import name_on_date

pytestmark = pytest.mark.anyio

ON = bindparam("on", type_=Date)


async def test_the_sql_form_gives_the_name_the_presenter_gives(session: AsyncSession) -> None:
    organisations = (await session.scalars(select(Organisation))).all()
    renamed = [o for o in organisations if len(o.names) > 1]
    assert renamed, "the shipped register has renamed organisations to compare"
    days = {date(1900, 1, 1), date(2100, 1, 1)}
    for organisation in renamed:
        for name in organisation.names:
            days.update(d + timedelta(days=shift) for d in (name.valid_from, name.valid_to) if d is not None
                        for shift in (-1, 0))
    query = select(Organisation.id, name_on_date(Organisation.id, ON).label("name"))
    for on in sorted(days):
        in_sql = dict((await session.execute(query, {"on": on})).all())
        in_python = {o.id: name.name if (name := name_on(o.names, on)) else None for o in organisations}
        assert in_sql == in_python, on
