"""A round's target set: the organisations it is sent to, each with its county (and, from the registry, its
name and its contact point, the fixed-function mailbox reminders go to).

Every round's targets come from `resolve_targets`, whatever the caller named. Today a caller names the
organisations by id, and an id says its county by itself (an SCB code, region-NN, rss-NN); names and contact
points are filled in when the registry is read here over HTTP as of the opening date.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.surveys.identifiers import county_of
from services.surveys.rounds.schemas import TargetSetIn
from shared.problems import FieldError, InvalidInput


@dataclass(frozen=True)
class Target:
    organisation_id: str
    county_code: str | None
    name: str | None = None
    contact_point: str | None = None


async def resolve_targets(target_set: TargetSetIn) -> list[Target]:
    errors: list[FieldError] = []
    targets: list[Target] = []
    for n, organisation_id in enumerate(target_set.organisation_ids):
        county = county_of(organisation_id)
        if county is None:
            errors.append(FieldError(f"body.targets.organisation_ids.{n}", "county_known",
                                     f"{organisation_id} names no county by itself (an SCB code, region-NN or "
                                     "rss-NN is needed)."))
        targets.append(Target(organisation_id=organisation_id, county_code=county))
    if len(set(target_set.organisation_ids)) != len(target_set.organisation_ids):
        errors.append(FieldError("body.targets.organisation_ids", "unique", "An organisation is named twice."))
    if errors:
        raise InvalidInput(f"The target set breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return targets
