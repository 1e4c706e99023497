"""A post has at most one holder at a time: the rule, called in-process in a transaction rolled back after each
test (services/actors/tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.people.models import Person
from services.actors.people.schemas import PersonIn
from services.actors.people.service import PersonService
from services.actors.posts.schemas import MembershipIn, PostIn
from services.actors.posts.service import PostService
from shared.identity import Principal, Role
from shared.problems import Conflict

pytestmark = pytest.mark.anyio

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)


async def _post_with_two_people(session: AsyncSession) -> PostService:
    posts, people = PostService(session, ADMIN), PersonService(session, ADMIN)
    await posts.create_post(PostIn(id="seat-test", organisation_id="skr", role="ordinary_member"))
    for person_id in ("holder-a", "holder-b"):
        await people.create(PersonIn(id=person_id, given_name="Test", family_name=person_id))
    return posts


async def test_a_post_is_not_held_twice_in_overlapping_periods(session: AsyncSession) -> None:
    posts = await _post_with_two_people(session)
    await posts.create_membership(MembershipIn(id="m-a", post_id="seat-test", person_id="holder-a",
                                               valid_from=date(2024, 1, 1), valid_to=date(2025, 1, 1)))
    with pytest.raises(Conflict) as refused:
        await posts.create_membership(MembershipIn(id="m-b", post_id="seat-test", person_id="holder-b",
                                                   valid_from=date(2024, 6, 1)))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("body.valid_from", "overlapping_membership")]
    follower, created = await posts.create_membership(MembershipIn(
        id="m-b", post_id="seat-test", person_id="holder-b", valid_from=date(2025, 1, 1)))
    assert created and follower.person.id == "holder-b"


async def test_each_test_starts_from_the_shipped_register(session: AsyncSession) -> None:
    """What the test before wrote was rolled back with its transaction."""
    assert await session.get(Person, "holder-a") is None
    await _post_with_two_people(session)
    await session.commit()  # a commit inside the test releases a savepoint only
    assert await session.get(Person, "holder-a") is not None
