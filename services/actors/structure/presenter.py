"""How the structure questions' answers are shown that no other package presents: the representatives."""

from __future__ import annotations

from datetime import date

from services.actors.organisations.presenter import named_ref
from services.actors.posts.presenter import post_out
from services.actors.structure import schemas
from services.actors.structure.repository import Seats
from shared.identity import Principal


def representatives_out(seats: Seats, caller: Principal, *, county_code: str, network_id: str,
                        on: date) -> schemas.Representatives:
    organisations = {key: named_ref(head, name) for key, (head, name) in seats.organisations.items()}
    return schemas.Representatives(
        county_code=county_code, network=organisations[network_id], as_of=on,
        posts=[post_out(post, organisations=organisations, contacts=post.contacts, holder=holder, caller=caller,
                        on=on) for post, holder in seats.posts])
