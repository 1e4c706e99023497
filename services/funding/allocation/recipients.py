"""Who an allocation's recipients are, from the actor registry: a four-digit SCB code is a municipality (its
name, county and, for the population key, its population on the basis year come from the registry); a two-digit
one a county; any other id a receiver (an organisation open on the day, paid through itself when it has an
organisation number, otherwise through the organisation it is part of: its payee, services/funding/registry.py).

A population split either supplies every population itself or none: then all come from the registry, and the
allocation's basis says so. Registry populations (a basis, or SCB's of `basis_year`) count people on a day no
later than the day the split takes effect (rule population_published). Every refusal names the recipient's
field and the broken rule.

The registry is asked a fixed number of questions whatever the request holds: the municipalities in one list, the
counties in one, every receiver (each id once) in one call by id and, when some have no organisation number, the
part_of relations of the day in one and the organisations they are part of in one more; a request naming more
than MAX_RECEIVERS distinct receivers is refused before any question is asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.funding.allocation.bases import published, with_basis_populations
from services.funding.allocation.engine import AllocationKey
from services.funding.allocation.schemas import AllocationIn, RecipientIn
from services.funding.registry import (
    MAX_RECEIVERS,
    Municipality,
    Payee,
    Registry,
    as_receiver,
    registry_shaped,
    without_org_number,
)
from shared.problems import FieldError, InvalidInput

SUPPLIED = "supplied by the caller"

Row = tuple[str, RecipientIn]  # (the body field naming the recipient, the recipient)


def _municipality_code(recipient_id: str) -> bool:
    return recipient_id.isdigit() and len(recipient_id) == 4


def _county_code(recipient_id: str) -> bool:
    return recipient_id.isdigit() and len(recipient_id) == 2


def _scb_code(recipient_id: str) -> bool:
    """A county's (two digits) or a municipality's (four) SCB code."""
    return _municipality_code(recipient_id) or _county_code(recipient_id)


def registry_source(year: int) -> str:
    return f"actor registry: SCB population on 31 December {year}"


@dataclass
class RegistryFacts:
    """What the registry said of a request's recipients, asked once for all of them."""

    municipalities: dict[str, Municipality] = field(default_factory=dict)
    county_names: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Identified:
    """A recipient as the registry knows it: the fields to fill in on it, and whom its money is paid to."""

    update: dict[str, object] = field(default_factory=dict)
    payee: Payee | None = None
    errors: list[FieldError] = field(default_factory=list)


def _rows(data: AllocationIn) -> list[Row]:
    """Every recipient of the request, the split's rows then the set-asides', each with its body field."""
    return [(f"body.recipients.{i}", r) for i, r in enumerate(data.recipients)] + \
           [(f"body.set_asides.{i}.recipient", s.recipient) for i, s in enumerate(data.set_asides)]


def _receivers_named(rows: list[Row]) -> set[str]:
    """The distinct registry organisations (other than municipalities and counties) the rows name, at most
    MAX_RECEIVERS: 422 receivers_at_most otherwise, before the registry is asked anything."""
    ids = {r.id for _, r in rows if not r.project and not _scb_code(r.id) and registry_shaped(r.id)}
    if len(ids) > MAX_RECEIVERS:
        raise InvalidInput.field("body.recipients", "receivers_at_most",
                                 f"At most {MAX_RECEIVERS} distinct receivers (registry organisations other than "
                                 f"municipalities and counties) in one request; {len(ids)} were named.",
                                 limit=MAX_RECEIVERS)
    return ids


async def _ask_registry(registry: Registry, rows: list[Row], receiver_ids: set[str], on: date) -> RegistryFacts:
    """The registry's municipalities (one county's when all codes are of one), counties, receivers and the legal
    entities of those without an organisation number: only the questions the rows need."""
    facts = RegistryFacts()
    codes = [r.id for _, r in rows if _municipality_code(r.id)]
    if codes:
        counties = {code[:2] for code in codes}
        facts.municipalities = await registry.municipalities(counties.pop() if len(counties) == 1 else None)
    if any(_county_code(r.id) and not r.project for _, r in rows):
        facts.county_names = await registry.county_names()
    facts.organisations = await registry.organisations(receiver_ids, on) if receiver_ids else {}
    facts.parents = await registry.parents(without_org_number(facts.organisations), on)
    return facts


def _identify(where: str, recipient: RecipientIn, facts: RegistryFacts, on: date) -> Identified:
    """The recipient's name and county as the registry has them (a project: as the request names it), its
    payee when it is a receiver, or the rule its id breaks."""
    if recipient.project:
        if recipient.name is None:
            return Identified(errors=[FieldError(f"{where}.name", "project_named", "A project is given its name.")])
        return Identified()
    if recipient.id in facts.municipalities:
        municipality = facts.municipalities[recipient.id]
        return Identified(update={"name": municipality.name, "county_code": municipality.county_code})
    if _municipality_code(recipient.id):
        return Identified(errors=[FieldError(f"{where}.id", "registered_municipality",
                                             f"{recipient.id} is not a municipality code in the actor registry.")])
    if _county_code(recipient.id):
        name = facts.county_names.get(recipient.id)
        errors = [] if name is not None else [FieldError(f"{where}.id", "registered_county",
                                                         f"{recipient.id} is not a county code in the actor "
                                                         "registry.")]
        return Identified(update={"name": name, "county_code": recipient.id}, errors=errors)
    receiver = as_receiver(recipient.id, facts.organisations.get(recipient.id), on, f"{where}.id",
                           facts.parents.get(recipient.id))
    if isinstance(receiver, FieldError):
        return Identified(errors=[receiver])
    return Identified(update={"name": receiver.name, "county_code": receiver.county_code}, payee=receiver.payee)


def _registry_population(where: str, recipient: RecipientIn, facts: RegistryFacts, year: int | None
                         ) -> tuple[dict[str, object], list[FieldError]]:
    """A split row's population when the registry gives every population: a municipality's of `year` (422
    population_published when it has none), nothing for a project; without a year, or for any other recipient,
    there is none to take (422 required_for_population_key: the split then supplies every population itself)."""
    if recipient.project:
        return {}, []
    municipality = facts.municipalities.get(recipient.id)
    if municipality is not None and year is not None:
        population = municipality.populations.get(year)
        errors = [] if population is not None else [FieldError(
            "body.basis_year", "population_published",
            f"The registry has no population of {municipality.name} for {year} (it has "
            f"{sorted(municipality.populations)}).")]
        return {"population": population}, errors
    return {}, [FieldError(f"{where}.population", "required_for_population_key",
                           f"{recipient.id} is not a municipality: the registry has no population for it, so the "
                           "split supplies every population itself.")]


def _filled_in(data: AllocationIn, updates: dict[int, dict[str, object]]) -> AllocationIn:
    """The request with each row's registry fields filled in (`updates` by the row's place in `_rows`), as new
    models: the rows the registry left as they were are the request's own."""
    count = len(data.recipients)

    def filled(place: int, recipient: RecipientIn) -> RecipientIn:
        update = updates.get(place)
        return recipient.model_copy(update=update) if update else recipient

    return data.model_copy(update={
        "recipients": [filled(i, r) for i, r in enumerate(data.recipients)],
        "set_asides": [s.model_copy(update={"recipient": filled(count + i, s.recipient)})
                       if updates.get(count + i) else s for i, s in enumerate(data.set_asides)]})


async def resolve_recipients(registry: Registry, data: AllocationIn, key: AllocationKey, on: date
                             ) -> tuple[AllocationIn, str | None, dict[str, Payee]]:
    """The request with every recipient's name, county (and population) as the registry has them, filled in on
    its recipients, the source of the populations (None unless the key is population), and the payee of each
    receiver by its id (municipalities, counties and projects have none here)."""
    data, cited = await with_basis_populations(registry, data, key, on)
    from_registry = key is AllocationKey.POPULATION and all(r.population is None for r in data.recipients)
    if from_registry and data.basis_year is not None:
        published(date(data.basis_year, 12, 31), on, "body.basis_year", f"SCB's population of {data.basis_year}")
    rows = _rows(data)
    facts = await _ask_registry(registry, rows, _receivers_named(rows), on)
    errors: list[FieldError] = []
    if from_registry and data.basis_year is None:
        errors.append(FieldError("body.basis_year", "required_for_population_key",
                                 "A population split states the year of its populations."))
    updates: dict[int, dict[str, object]] = {}
    payees: dict[str, Payee] = {}
    for place, (where, recipient) in enumerate(rows):
        identified = _identify(where, recipient, facts, on)
        errors += identified.errors
        update = identified.update
        if identified.payee is not None:
            payees[recipient.id] = identified.payee
        if from_registry and place < len(data.recipients):  # a set-aside is a percentage, never weighed
            population, refused = _registry_population(where, recipient, facts, data.basis_year)
            update = {**update, **population}
            errors += refused
        if update:
            updates[place] = update
    if errors:
        raise InvalidInput(f"The allocation's recipients break {len(errors)} rule(s): {errors[0].message}",
                           errors=errors)
    source = None
    if key is AllocationKey.POPULATION:
        source = registry_source(data.basis_year) if from_registry and data.basis_year else cited or SUPPLIED
    return _filled_in(data, updates), source, payees
