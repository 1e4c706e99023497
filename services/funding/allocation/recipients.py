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

from datetime import date

from services.funding.allocation.bases import basis_populations, published
from services.funding.allocation.engine import AllocationKey
from services.funding.allocation.schemas import AllocationIn, RecipientIn
from services.funding.registry import (
    MAX_RECEIVERS,
    Payee,
    Registry,
    as_receiver,
    registry_shaped,
    without_org_number,
)
from shared.problems import FieldError, InvalidInput

SUPPLIED = "supplied by the caller"


def _scb_code(recipient_id: str) -> bool:
    """A county's (two digits) or a municipality's (four) SCB code."""
    return recipient_id.isdigit() and len(recipient_id) in (2, 4)


def registry_source(year: int) -> str:
    return f"actor registry: SCB population on 31 December {year}"


async def resolve_recipients(registry: Registry, data: AllocationIn, key: AllocationKey, on: date
                             ) -> tuple[AllocationIn, str | None, dict[str, Payee]]:
    """The request with every recipient's name, county (and population) as the registry has them, filled in on
    its recipients, the source of the populations (None unless the key is population), and the payee of each
    receiver by its id (municipalities, counties and projects have none here)."""
    errors: list[FieldError] = []
    cited = await basis_populations(registry, data, key, on)
    if key is AllocationKey.POPULATION and data.basis_year is not None and data.basis is None \
            and all(r.population is None for r in data.recipients):
        published(date(data.basis_year, 12, 31), on, "body.basis_year", f"SCB's population of {data.basis_year}")
    everyone = [(f"body.recipients.{i}", r) for i, r in enumerate(data.recipients)] + \
               [(f"body.set_asides.{i}.recipient", s.recipient) for i, s in enumerate(data.set_asides)]
    receiver_ids = {r.id for _, r in everyone if not r.project and not _scb_code(r.id) and registry_shaped(r.id)}
    if len(receiver_ids) > MAX_RECEIVERS:
        raise InvalidInput.field("body.recipients", "receivers_at_most",
                                 f"At most {MAX_RECEIVERS} distinct receivers (registry organisations other than "
                                 f"municipalities and counties) in one request; {len(receiver_ids)} were named.",
                                 limit=MAX_RECEIVERS)
    codes = [r.id for _, r in everyone if r.id.isdigit() and len(r.id) == 4]
    municipalities = {}
    if codes:
        counties = {code[:2] for code in codes}
        municipalities = await registry.municipalities(counties.pop() if len(counties) == 1 else None)
    county_names = {}
    if any(len(r.id) == 2 and r.id.isdigit() and not r.project for _, r in everyone):
        county_names = await registry.county_names()
    organisations = await registry.organisations(receiver_ids, on) if receiver_ids else {}
    parents = await registry.parents(without_org_number(organisations), on)
    payees: dict[str, Payee] = {}
    from_registry = key is AllocationKey.POPULATION and all(r.population is None for r in data.recipients)
    if from_registry and data.basis_year is None:
        errors.append(FieldError("body.basis_year", "required_for_population_key",
                                 "A population split states the year of its populations."))
    updates: list[tuple[RecipientIn, dict[str, object]]] = []
    for field, recipient in everyone:
        update: dict[str, object] = {}
        if recipient.project:
            if recipient.name is None:
                errors.append(FieldError(f"{field}.name", "project_named", "A project is given its name."))
        elif recipient.id in municipalities:
            municipality = municipalities[recipient.id]
            update = {"name": municipality.name, "county_code": municipality.county_code}
            if from_registry and data.basis_year is not None and field.startswith("body.recipients"):
                population = municipality.populations.get(data.basis_year)
                if population is None:
                    errors.append(FieldError("body.basis_year", "population_published",
                                             f"The registry has no population of {municipality.name} for "
                                             f"{data.basis_year} (it has {sorted(municipality.populations)})."))
                update["population"] = population
        elif recipient.id.isdigit() and len(recipient.id) == 4:
            errors.append(FieldError(f"{field}.id", "registered_municipality",
                                     f"{recipient.id} is not a municipality code in the actor registry."))
        elif recipient.id.isdigit() and len(recipient.id) == 2:
            name = county_names.get(recipient.id)
            if name is None:
                errors.append(FieldError(f"{field}.id", "registered_county",
                                         f"{recipient.id} is not a county code in the actor registry."))
            update = {"name": name, "county_code": recipient.id}
        else:
            receiver = as_receiver(recipient.id, organisations.get(recipient.id), on, f"{field}.id",
                                   parents.get(recipient.id))
            if isinstance(receiver, FieldError):
                errors.append(receiver)
            else:
                update = {"name": receiver.name, "county_code": receiver.county_code}
                payees[recipient.id] = receiver.payee
        if from_registry and field.startswith("body.recipients") and "population" not in update \
                and not recipient.project:
            errors.append(FieldError(f"{field}.population", "required_for_population_key",
                                     f"{recipient.id} is not a municipality: the registry has no population for "
                                     "it, so the split supplies every population itself."))
        updates.append((recipient, update))
    if errors:
        raise InvalidInput(f"The allocation's recipients break {len(errors)} rule(s): {errors[0].message}",
                           errors=errors)
    # Filled in on the request's own recipients (parsed for this request alone), as an assignment to each field
    # would (the value, and the field marked set) without pydantic's assignment machinery: a copy of each of 290
    # models cost more than the split itself, an assignment per field a third of it.
    for recipient, update in updates:
        recipient.__dict__.update(update)
        recipient.__pydantic_fields_set__.update(update)
    source = None
    if key is AllocationKey.POPULATION:
        source = registry_source(data.basis_year) if from_registry and data.basis_year else cited or SUPPLIED
    return data, source, payees
