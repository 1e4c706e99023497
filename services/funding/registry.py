"""What funding asks the actor registry, through the gateway (shared.service_client): municipalities and their
populations, receivers (organisations open on a date, each paid through a legal entity: itself when it has an
organisation number, otherwise the organisation it is part of) and who may sign for them.

A unit without an organisation number of its own (an R&D unit, such as Storsthlm's FoU units or Dalarna's SUD)
receives its share through its legal entity: the organisation it is `part_of` on the day (a relation in the
registry, subject the unit) that is open and has an organisation number is its *payee*. The share, the ledger
entries and the follow-up stay the unit's; the payee is whom the money is paid to, and whose signatory signs.
A unit part of no such organisation, or of more than one, cannot receive money.

Every refusal names the input field that led to the question; a registry that cannot be reached is a 503
(shared.service_client.PlatformUnavailable) and the request stores nothing.

Many receivers are asked about in one call (the registry's organisations list filtered by `id`, at most
MAX_RECEIVERS ids), never one call each: what a request costs the registry does not grow with its input. An id
that cannot be a registry id is unknown without a question.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends

from shared.problems import FieldError, InvalidInput
from shared.registry_client import (
    IDS_PER_CALL,
    Municipality,
    Organisation,
    PopulationBasis,
    RegistryClient,
    UnknownCounty,
    registry_client,
    registry_shaped,
)

__all__ = ["MAX_RECEIVERS", "Municipality", "Organisation", "Payee", "PopulationBasis", "Receiver", "Registry",
           "RegistryReader", "as_receiver", "registry_shaped", "without_org_number"]

SIGNATORY_ROLE = "signatory"
# The distinct receivers one request may name: as many as the registry answers in one list call by id.
MAX_RECEIVERS = IDS_PER_CALL


@dataclass(frozen=True)
class Payee:
    """The legal entity a receiver is paid through: the receiver itself, or the organisation it is part of."""

    id: str
    name: str
    org_number: str


@dataclass(frozen=True)
class Receiver:
    id: str
    name: str
    county_code: str | None
    payee: Payee

    @property
    def org_number(self) -> str:
        """The organisation number the money is paid to: the payee's."""
        return self.payee.org_number


def without_org_number(organisations: dict[str, Organisation]) -> set[str]:
    """The ids of the open organisations among these that have no organisation number of their own: units that
    are paid through the organisation they are part of."""
    return {i for i, o in organisations.items() if o.active and o.org_number is None}


def as_receiver(organisation_id: str, organisation: Organisation | None, on: date, field: str,
                parents: list[Organisation] | None = None) -> Receiver | FieldError:
    """The registry's organisation (None: it has none by that id) as a receiver of funds on `on`, or the rule it
    breaks, naming `field`. `parents`: the organisations it is part of on `on` (RegistryClient.part_of), which
    pay for it when it has no organisation number of its own."""
    if organisation is None:
        return FieldError(field, "registered_receiver",
                          f"{organisation_id} is not an organisation in the actor registry.")
    if not organisation.active:
        return FieldError(field, "receiver_open_on_date",
                          f"{organisation.name} ({organisation_id}) is not open on {on.isoformat()} in the "
                          "actor registry.")
    name = organisation.name
    if organisation.org_number is not None:
        return Receiver(id=organisation_id, name=name, county_code=organisation.county_code,
                        payee=Payee(id=organisation_id, name=name, org_number=organisation.org_number))
    entities = [p for p in parents or [] if p.active and p.org_number is not None]
    if not entities:
        return FieldError(field, "receiver_has_org_number",
                          f"{name} ({organisation_id}) has no organisation number in the actor registry, nor is it "
                          f"part of an organisation that has one on {on.isoformat()}; only a legal entity receives "
                          "funds.")
    if len(entities) > 1:
        named = ", ".join(f"{p.name} ({p.id})" for p in entities)
        return FieldError(field, "one_payee",
                          f"{name} ({organisation_id}) has no organisation number and is part of more than one "
                          f"legal entity on {on.isoformat()} ({named}): the registry does not say which is paid.")
    entity = entities[0]
    return Receiver(id=organisation_id, name=name, county_code=organisation.county_code,
                    payee=Payee(id=entity.id, name=entity.name, org_number=entity.org_number or ""))


class Registry:
    """Funding's questions to the registry (shared.registry_client), each refusal naming the input field."""

    def __init__(self, client: RegistryClient) -> None:
        self.client = client

    async def municipalities(self, county_code: str | None = None,
                             field: str = "body.county_code") -> dict[str, Municipality]:
        """Municipalities (of one county, or all 290) with their published populations by year, not to be
        changed; a county code that names no county is 422 unknown_reference naming `field`."""
        try:
            return await self.client.municipalities(county_code)
        except UnknownCounty:
            raise InvalidInput.field(field, "unknown_reference", f"No county {county_code}.") from None

    async def population_basis(self, basis_id: str, field: str) -> PopulationBasis:
        """The registry's population basis; one it does not have is 422 unknown_reference naming `field`."""
        basis = await self.client.population_basis(basis_id)
        if basis is None:
            raise InvalidInput.field(field, "unknown_reference", f"The actor registry has no population basis "
                                                                 f"{basis_id}.")
        return basis

    async def county_names(self) -> dict[str, str]:
        """{SCB code: name} of every county, in one call."""
        return await self.client.counties()

    async def organisations(self, organisation_ids: Collection[str], on: date) -> dict[str, Organisation]:
        """{id: organisation as of `on`} of those ids the registry has (open that day or not): one call for up to
        MAX_RECEIVERS ids; ids that cannot be registry ids are not asked about."""
        return await self.client.organisations(organisation_ids, on, include_inactive=True)

    async def parents(self, unit_ids: Collection[str], on: date) -> dict[str, list[Organisation]]:
        """{unit id: the organisations (as of `on`) it is part of on `on`}, in two calls whatever their number
        (none for no units)."""
        return await self.client.part_of(unit_ids, on) if unit_ids else {}

    async def receiver(self, organisation_id: str, on: date, field: str) -> Receiver:
        """The organisation as a receiver of funds on `on`: registered, open that day, with an organisation
        number of its own or part of one organisation that has one (its payee); otherwise 422 naming `field`."""
        organisation = await self.client.organisation(organisation_id, on)
        parents = None
        if organisation is not None and without_org_number({organisation_id: organisation}):
            parents = (await self.client.part_of({organisation_id}, on))[organisation_id]
        receiver = as_receiver(organisation_id, organisation, on, field, parents)
        if isinstance(receiver, FieldError):
            raise InvalidInput(receiver.message, errors=[receiver])
        return receiver

    async def signatories(self, organisation_id: str, on: date) -> dict[str, str]:
        """{person id: name} of those holding a signatory post of the organisation on `on`."""
        posts = await self.client.posts(SIGNATORY_ROLE, on, organisation_id,
                                        what=f"the signatories of {organisation_id}")
        return {p.holder_id: p.holder_name or "" for p in posts if p.holder_id}

    async def require_signatory(self, receiver: Receiver, person_id: str, on: date, field: str) -> str:
        """The name of `person_id`, who holds a signatory post on `on` of the receiver's payee (the legal entity
        paid: one authorised representative per organisation number) or, for a unit paid through its legal
        entity, of the unit itself; otherwise 422 naming `field`."""
        holders = await self.signatories(receiver.payee.id, on)
        if person_id not in holders and receiver.payee.id != receiver.id:
            holders = await self.signatories(receiver.id, on)
        if person_id not in holders:
            whose = f"{receiver.name} ({receiver.id})"
            if receiver.payee.id != receiver.id:
                whose = f"{receiver.payee.name} ({receiver.payee.id}), the legal entity paid for {whose}, or of {whose}"
            raise InvalidInput.field(field, "signatory_of_receiver",
                                     f"{person_id} does not hold a signatory post of {whose} on {on.isoformat()} "
                                     "in the actor registry.")
        return holders[person_id]


async def registry(client: Annotated[RegistryClient, Depends(registry_client)]) -> Registry:
    return Registry(client)


RegistryReader = Annotated[Registry, Depends(registry)]
