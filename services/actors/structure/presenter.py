"""How the structure questions' answers are shown that no other package presents: an organisation seen from
another (a relation's other end) and the representatives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from services.actors.organisations.presenter import named_ref
from services.actors.organisations.schemas import OrganisationRef
from services.actors.posts.presenter import post_out
from services.actors.relations.presenter import attested_of, sources_of
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


def related_out(relations: Iterable[Any], *, other_side: str,
                organisations: Mapping[str, OrganisationRef]) -> list[schemas.RelatedOrganisation]:
    """Each relation (a Relation or a row of its table) as the organisation at its `other_side` (subject_id or
    object_id), with the relation's kind, dates, evidence and unit."""
    return [schemas.RelatedOrganisation(organisation=organisations[getattr(r, other_side)], relation_id=r.id,
                                        kind=r.kind, valid_from=r.valid_from, valid_to=r.valid_to,
                                        reported=r.reported, evidence=r.evidence, attested=attested_of(r.attested),
                                        sources=sources_of(r.source), joint=bool(r.joint),
                                        unit=organisations[r.unit_id] if r.unit_id else None,
                                        attested_until=r.attested_until, confirmed_from=r.confirmed_from,
                                        note=r.note)
            for r in relations]
