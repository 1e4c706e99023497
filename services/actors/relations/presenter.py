"""How a relation is shown (RelationOut), and the parts of it the structure answers show too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from services.actors.organisations.schemas import OrganisationRef
from services.actors.relations.models import Relation
from services.actors.relations.schemas import RelationOut
from shared.periods import holds_on


def sources_of(source: str | None) -> list[str]:
    """A relation's `source` names one source or several separated by semicolons; a semicolon inside a source's
    parentheses ("seed 003 (sections 2, 5; 'Regionbildningen 2019')") belongs to that source."""
    sources, current, depth = [], [], 0
    for char in source or "":
        depth += (char == "(") - (char == ")" and depth > 0)
        if char == ";" and depth == 0:
            sources.append("".join(current))
            current = []
        else:
            current.append(char)
    sources.append("".join(current))
    return [s.strip() for s in sources if s.strip()]


def attested_of(attested: str | None) -> list[str]:
    return [a for a in (attested or "").split(",") if a]


def relation_out(relation: Relation | Any, organisations: Mapping[str, OrganisationRef], on: date) -> RelationOut:
    """`relation`: a Relation, or a row of the relations table (exports); `organisations`: references by id,
    its two ends and its unit among them."""
    return RelationOut(
        id=relation.id, kind=relation.kind, subject=organisations[relation.subject_id],
        object=organisations[relation.object_id], valid_from=relation.valid_from,
        valid_to=relation.valid_to, active=holds_on(relation.valid_from, relation.valid_to, on),
        reported=relation.reported, evidence=relation.evidence, attested=attested_of(relation.attested),
        sources=sources_of(relation.source), joint=bool(relation.joint),
        unit=organisations[relation.unit_id] if relation.unit_id else None,
        note=relation.note, source=relation.source, version=relation.version)
