"""Demonstration people for `make run` and the tests: plainly fictional, never real officials.

They hold the steering-group seats of the Stockholm 2018-2019 worked example and some national network seats,
so that "who represents county X in network Y on date D" has an answer to show. All e-mail addresses are at
example.org, a domain reserved for examples. Each is managed by the county of the seat they hold (of the
organisation it is held on behalf of, else of the organisation it is in), as that county's system would have
registered them: its key sees their contacts, as a national administrator's does, and no other caller's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.organisations.models import Organisation
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post
from shared.text_search import fold_for_search

GIVEN_NAMES = ["Exempel", "Demo", "Testa", "Fiktiv", "Påhittad", "Prov", "Modell", "Låtsas"]
FAMILY_NAMES = ["Exempelsson", "Demosdotter", "Testsson", "Fiktivsson", "Påhittadsson", "Provström",
                "Modellberg", "Låtsasdal"]
DEMO_PERIOD = (date(2018, 1, 1), date(2020, 1, 1))
DEMO_SEAT_PREFIXES = ("rss-01-steering-group", "seat-network-rss-", "seat-partnerskapet-")


def demo_person(n: int, managed_by_county: str | None = None) -> Person:
    given, family = GIVEN_NAMES[n % len(GIVEN_NAMES)], FAMILY_NAMES[(n // len(GIVEN_NAMES)) % len(FAMILY_NAMES)]
    family = f"{family} {n + 1}"
    return Person(id=f"demo-person-{n + 1:03d}", given_name=given, family_name=family,
                  search_name=fold_for_search(f"{given} {family}"),
                  email=f"demo.person.{n + 1}@example.org", phone=None, managed_by_county=managed_by_county)


async def load_demo_people(session: AsyncSession) -> dict[str, int]:
    existing = set((await session.scalars(select(Person.id).where(Person.id.like("demo-person-%")))).all())
    if existing:
        return {"demo_people": 0}
    posts = (await session.scalars(select(Post).order_by(Post.id))).all()
    seats = [p for p in posts if p.id.startswith(DEMO_SEAT_PREFIXES)]
    organisations = await session.execute(select(Organisation.id, Organisation.county_code))
    counties = {row.id: row.county_code for row in organisations}
    for n, post in enumerate(seats):
        person = demo_person(n, counties.get(post.on_behalf_of_id or "") or counties.get(post.organisation_id))
        session.add(person)
        start = max(filter(None, [post.valid_from, DEMO_PERIOD[0]]))
        end = min(filter(None, [post.valid_to, DEMO_PERIOD[1]]))
        session.add(Membership(id=f"demo-membership-{n + 1:03d}", post_id=post.id, person_id=person.id,
                               valid_from=start, valid_to=end, note="Demonstration data: a fictional person"))
    await session.flush()
    return {"demo_people": len(seats)}
