"""The representatives read has a fast path (one statement on the driver, services/actors/structure/
repository.py) beside the posts list's ORM path: both present with the same post_out and must give the same
answer, seat by seat, on the shipped register."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.actors.geography.models import County
from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.posts.models import Post
from services.actors.posts.repository import PostRepository
from services.actors.posts.service import PostService
from services.actors.structure.repository import SeatRepository
from services.actors.structure.service import representatives
from shared.driver_reads import DriverConnection
from shared.identity import Principal, Role

pytestmark = pytest.mark.anyio

CALLERS = {"public": Principal(subject="anonymous", role=Role.ANONYMOUS),
           "county": Principal(subject="county:01", role=Role.COUNTY, county_code="01")}
DATES = (date(2024, 6, 1), date(2019, 11, 1))  # in 2019 the demonstration people hold the seats


async def _driver(session: AsyncSession) -> DriverConnection:
    """The session's own connection, so the fast path reads inside the test's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return DriverConnection(connection.dialect, raw.driver_connection)


async def test_the_fast_path_answers_what_the_orm_path_answers(session: AsyncSession) -> None:
    # Every (network, county) pair with a seat in the register, and one county without any.
    behalf = aliased(Organisation)
    pairs = set((await session.execute(
        select(Post.organisation_id, behalf.county_code).join(behalf, behalf.id == Post.on_behalf_of_id)
        .join(Organisation, Organisation.id == Post.organisation_id)
        .where(Organisation.kind == OrganisationKind.NATIONAL_NETWORK.value, behalf.county_code.is_not(None))
        .distinct())).all())
    assert pairs, "the shipped register has representatives to compare"
    counties = set((await session.scalars(select(County.code))).all())
    empty = sorted((n, c) for n in {n for n, _ in pairs} for c in counties - {c for m, c in pairs if m == n})
    pairs.update(empty[:1])  # and a county without a seat in a network, when there is one
    seat_reads = SeatRepository(await _driver(session))
    seats = 0
    # The public sees no holder's contacts, county 01's system those of the holders its county manages (the
    # demonstration holders of county 01's seats, on the date they hold them): each is compared on one date.
    shown: dict[str, set[bool]] = {}
    for (audience, caller), on in zip(CALLERS.items(), DATES, strict=True):
        slow = PostService(session, caller)
        for network, county in sorted(pairs):
            fast, _version = await representatives(seat_reads, caller, county_code=county, network_id=network, on=on)
            rows, _ = await PostRepository(session).search(
                organisation_id=network, on_behalf_of_id=None, role=None, network_county=county, vacant=None,
                as_of=on, after=None, limit=10_000, with_count=False)
            expected = await slow.present_posts(list(rows), on)
            assert fast.posts == expected, (audience, network, county, on)
            seats += len(expected)
            for post in expected:
                if post.holder is not None:
                    shown.setdefault(f"{audience} {county}", set()).add(post.holder.email is not None)
    assert seats > 0
    assert shown.get("county 01") == {True}, shown
    assert not any(True in seen for key, seen in shown.items() if key != "county 01"), shown
