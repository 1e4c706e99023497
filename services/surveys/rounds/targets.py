"""A round's target set, read from the actor registry as of the round's opening date: the organisations it is
sent to, each with its name, its county and its contact point (the fixed-function mailbox reminders go to).

Every round's targets come from `resolve_targets`, whatever the caller named:

* a kind, optionally of one county: all municipalities of county 20, all 290 municipalities, all 24 RSS, the 21
  regions or counties, as the registry lists them open on the opening date;
* or organisations by id, each of which the registry must know and have open on that date.

The registry is asked a bounded number of questions whatever the caller named: a list per kind, and the named
organisations of no kind known by their id (rd-dalarna, skr) all in one call by id, at most MAX_NAMED_OTHERS of
them in one round (more is 422 before any question); an id that cannot be a registry id is not asked about.

The registry is read over HTTP through the gateway, with surveys' own read-only key, by the one registry client
(shared.registry_client). A
municipality is known here by its SCB code (2080), as respondent keys name it; the registry's id for it is
municipality-2080. Other organisations keep the registry's id (rss-20, region-20, county-20).

A contact point is a post with the contact_point role, and what reminders use is that post's own e-mail channel:
a function's mailbox that stays when people change, never the e-mail of whoever holds the post.

A registry that cannot be reached raises shared.service_client.PlatformUnavailable (503); the caller stores
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.problems import FieldError, InvalidInput
from shared.registry_client import Organisation, RegistryClient, UnknownCounty, registry_of
from shared.service_client import PlatformClient

MUNICIPALITY_PREFIX = "municipality-"
CONTACT_POINT_ROLE = "contact_point"
# Named organisations of no kind known by their id, in one round: as many as the registry answers in one call.
MAX_NAMED_OTHERS = 100


class TargetKind(StrEnum):
    MUNICIPALITY = "municipality"
    RSS = "rss"
    REGION = "region"
    COUNTY = "county"


@dataclass(frozen=True)
class Target:
    organisation_id: str
    county_code: str | None
    name: str | None = None
    contact_point: str | None = None


def registry_id(organisation_id: str) -> str:
    """The registry's id of an organisation as surveys names it."""
    if organisation_id.isdigit() and len(organisation_id) == 4:
        return MUNICIPALITY_PREFIX + organisation_id
    return organisation_id


def surveys_id(registry_organisation_id: str) -> str:
    return registry_organisation_id.removeprefix(MUNICIPALITY_PREFIX)


def kind_of(organisation_id: str) -> TargetKind | None:
    """The kind an id names by itself, so one list of that kind answers for all such ids."""
    if organisation_id.isdigit() and len(organisation_id) == 4:
        return TargetKind.MUNICIPALITY
    prefix = organisation_id.split("-", 1)[0]
    return TargetKind(prefix) if prefix in {k.value for k in TargetKind} else None


async def resolve_targets(client: PlatformClient, *, on: date, kind: TargetKind | None, county: str | None,
                          organisation_ids: list[str] | None) -> list[Target]:
    """The target set on `on`: by kind (and county), or the named organisations; 422 naming the field when the
    registry does not have them open that day."""
    registry = registry_of(client)
    if kind is not None:
        found = await _organisations(registry, on, kind, county)
        if not found:
            where = f" in county {county}" if county else ""
            raise InvalidInput.field("body.targets.county" if county else "body.targets.kind", "targets_found",
                                     f"The actor registry has no {kind.value} open on {on.isoformat()}{where}.")
        chosen = sorted(found.values(), key=lambda o: surveys_id(o.id))
    else:
        chosen = await _named(registry, on, organisation_ids or [])
    mailboxes = await _contact_points(registry, on, {o.id for o in chosen})
    return [Target(organisation_id=surveys_id(o.id), county_code=o.county_code, name=o.name,
                   contact_point=mailboxes.get(o.id)) for o in chosen]


async def _organisations(registry: RegistryClient, on: date, kind: TargetKind,
                         county: str | None) -> dict[str, Organisation]:
    """{registry id: organisation} of one kind open on `on` (one county's, or all); none for a county code that
    names no county."""
    try:
        return await registry.organisations_of_kind(kind.value, county, on)
    except UnknownCounty:
        return {}


async def _named(registry: RegistryClient, on: date, organisation_ids: list[str]) -> list[Organisation]:
    errors: list[FieldError] = []
    if len(set(organisation_ids)) != len(organisation_ids):
        errors.append(FieldError("body.targets.organisation_ids", "unique", "An organisation is named twice."))
    others = {i for i in organisation_ids if kind_of(i) is None}
    if len(others) > MAX_NAMED_OTHERS:
        raise InvalidInput.field("body.targets.organisation_ids", "others_at_most",
                                 f"At most {MAX_NAMED_OTHERS} organisations other than municipalities, RSS, regions "
                                 f"and counties in one round; {len(others)} were named.", limit=MAX_NAMED_OTHERS)
    kinds = {kind_of(i) for i in organisation_ids} - {None}
    counties = {i[:2] for i in organisation_ids if kind_of(i) is TargetKind.MUNICIPALITY}
    known: dict[str, Organisation] = {}
    for kind in sorted(kinds):
        # Municipalities all of one county are read as that county's list, the rest as the kind's whole list.
        county = next(iter(counties)) if kind is TargetKind.MUNICIPALITY and len(counties) == 1 else None
        known |= await _organisations(registry, on, kind, county)
    # The named organisations of no kind known by their id: one call for up to MAX_NAMED_OTHERS ids.
    known |= await registry.organisations(others, on)
    chosen = []
    for n, organisation_id in enumerate(organisation_ids):
        found = known.get(registry_id(organisation_id))
        if found is None:
            errors.append(FieldError(f"body.targets.organisation_ids.{n}", "registered_organisation",
                                     f"{organisation_id} is not an organisation open on {on.isoformat()} in the "
                                     "actor registry."))
        else:
            chosen.append(found)
    if errors:
        raise InvalidInput(f"The target set breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return chosen


async def _contact_points(registry: RegistryClient, on: date, organisations: Iterable[str]) -> dict[str, str]:
    """{registry id: the mailbox of its contact point post} for the organisations that have one on `on`."""
    wanted = set(organisations)
    mailboxes: dict[str, str] = {}
    for post in await registry.posts(CONTACT_POINT_ROLE, on, what="the registry's contact points"):
        if post.organisation_id in wanted and post.mailbox and post.active:
            mailboxes.setdefault(post.organisation_id, post.mailbox)
    return mailboxes
