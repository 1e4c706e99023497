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

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends

from shared.problems import FieldError, InvalidInput
from shared.service_client import PlatformClient, PlatformUnavailable, platform_client

SIGNATORY_ROLE = "signatory"
PART_OF = "part_of"
# The distinct receivers one request may name: as many as the registry answers in one list call by id.
MAX_RECEIVERS = 100
_REGISTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")  # the registry's record ids


def registry_shaped(organisation_id: str) -> bool:
    """Whether the id can name a record of the registry (one that cannot is unknown there without asking)."""
    return _REGISTRY_ID.match(organisation_id) is not None


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    populations: dict[int, int]


@dataclass(frozen=True)
class Payee:
    """The legal entity a receiver is paid through: the receiver itself, or the organisation it is part of."""

    id: str
    name: str
    org_number: str


@dataclass(frozen=True)
class PopulationBasis:
    """A named, dated table of populations the registry keeps: {municipality code or organisation id: people}."""

    id: str
    name: str
    source: str
    reference_date: str
    populations: dict[str, int]

    def citation(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "source": self.source, "reference_date": self.reference_date}


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


# The municipalities last read from each kept list (all, or one county's), with the list they were read from: while
# the platform client keeps that answer (fresh, or revalidated with 304) it hands back the same list, and the
# 290 municipalities are not made again for every request. Read them, never change them.
_PARSED: dict[str | None, tuple[list[Any], dict[str, Municipality]]] = {}


def org_number_of(organisation: dict[str, Any]) -> str | None:
    return next((i["value"] for i in organisation["identifiers"] if i["scheme"] == "org_number"), None)


def without_org_number(organisations: dict[str, dict[str, Any]]) -> set[str]:
    """The ids of the open organisations among these that have no organisation number of their own: units that
    are paid through the organisation they are part of."""
    return {i for i, o in organisations.items() if o["active"] and org_number_of(o) is None}


def as_receiver(organisation_id: str, organisation: dict[str, Any] | None, on: date, field: str,
                parents: list[dict[str, Any]] | None = None) -> Receiver | FieldError:
    """The registry's organisation (None: it has none by that id) as a receiver of funds on `on`, or the rule it
    breaks, naming `field`. `parents`: the organisations it is part of on `on` (Registry.parents), which pay for
    it when it has no organisation number of its own."""
    if organisation is None:
        return FieldError(field, "registered_receiver",
                          f"{organisation_id} is not an organisation in the actor registry.")
    if not organisation["active"]:
        return FieldError(field, "receiver_open_on_date",
                          f"{organisation['name']} ({organisation_id}) is not open on {on.isoformat()} in the "
                          "actor registry.")
    name = organisation["name"]
    org_number = org_number_of(organisation)
    if org_number is not None:
        return Receiver(id=organisation_id, name=name, county_code=organisation["county_code"],
                        payee=Payee(id=organisation_id, name=name, org_number=org_number))
    entities = [p for p in parents or [] if p["active"] and org_number_of(p) is not None]
    if not entities:
        return FieldError(field, "receiver_has_org_number",
                          f"{name} ({organisation_id}) has no organisation number in the actor registry, nor is it "
                          f"part of an organisation that has one on {on.isoformat()}; only a legal entity receives "
                          "funds.")
    if len(entities) > 1:
        named = ", ".join(f"{p['name']} ({p['id']})" for p in entities)
        return FieldError(field, "one_payee",
                          f"{name} ({organisation_id}) has no organisation number and is part of more than one "
                          f"legal entity on {on.isoformat()} ({named}): the registry does not say which is paid.")
    entity = entities[0]
    return Receiver(id=organisation_id, name=name, county_code=organisation["county_code"],
                    payee=Payee(id=entity["id"], name=entity["name"], org_number=org_number_of(entity) or ""))


class Registry:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def municipalities(self, county_code: str | None = None,
                             field: str = "body.county_code") -> dict[str, Municipality]:
        """Municipalities (of one county, or all 290) with their published populations by year, not to be
        changed; a county code that names no county is 422 unknown_reference naming `field`."""
        try:
            items = await self.client.get_all("/actors/municipalities", {"county": county_code},
                                              what="the registry's municipalities")
        except PlatformUnavailable as unavailable:
            if county_code is not None and await self._no_such_county(county_code):
                raise InvalidInput.field(field, "unknown_reference", f"No county {county_code}.") from None
            raise unavailable
        parsed = _PARSED.get(county_code)
        if parsed is not None and parsed[0] is items:  # the same kept answer: read once already
            return parsed[1]
        municipalities = {m["code"]: Municipality(code=m["code"], name=m["name"], county_code=m["county_code"],
                                                  populations={p["year"]: p["population"] for p in m["populations"]})
                          for m in items}
        _PARSED[county_code] = (items, municipalities)
        return municipalities

    async def population_basis(self, basis_id: str, field: str) -> PopulationBasis:
        """The registry's population basis; one it does not have is 422 unknown_reference naming `field`."""
        answer = await self.client.get(f"/actors/population-bases/{basis_id}", what=f"population basis {basis_id}") \
            if registry_shaped(basis_id) else None
        if answer is None or answer.status != 200:
            raise InvalidInput.field(field, "unknown_reference", f"The actor registry has no population basis "
                                                                 f"{basis_id}.")
        body = answer.body
        return PopulationBasis(id=body["id"], name=body["name"], source=body["source"],
                               reference_date=body["reference_date"],
                               populations={r["code"]: r["population"] for r in body["rows"]})

    async def _no_such_county(self, county_code: str) -> bool:
        try:
            answer = await self.client.get(f"/actors/counties/{county_code}", what=f"county {county_code}")
        except PlatformUnavailable:
            return False
        return answer.status == 404

    async def county_name(self, county_code: str) -> str | None:
        answer = await self.client.get(f"/actors/counties/{county_code}", what=f"county {county_code}")
        return answer.body["name"] if answer.status == 200 else None

    async def county_names(self) -> dict[str, str]:
        """{SCB code: name} of every county, in one call."""
        counties = await self.client.get_all("/actors/counties", what="the registry's counties")
        return {c["code"]: c["name"] for c in counties}

    async def organisations(self, organisation_ids: Collection[str], on: date) -> dict[str, dict[str, Any]]:
        """{id: organisation as of `on`} of those ids the registry has (open that day or not): one call for up to
        MAX_RECEIVERS ids; ids that cannot be registry ids are not asked about."""
        wanted = sorted({i for i in organisation_ids if registry_shaped(i)})
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), MAX_RECEIVERS):
            batch = wanted[start:start + MAX_RECEIVERS]
            items = await self.client.get_all(
                "/actors/organisations", {"id": ",".join(batch), "as_of": on.isoformat(), "include_inactive": "true"},
                what=f"{len(batch)} organisation(s) in the registry", limit=MAX_RECEIVERS)
            found.update((o["id"], o) for o in items)
        return found

    async def organisation(self, organisation_id: str, on: date) -> dict[str, Any] | None:
        answer = await self.client.get(f"/actors/organisations/{organisation_id}", {"as_of": on.isoformat()},
                                       what=f"organisation {organisation_id}")
        return answer.body if answer.status == 200 else None

    async def parents(self, unit_ids: Collection[str], on: date) -> dict[str, list[dict[str, Any]]]:
        """{unit id: the organisations (as of `on`) it is part of on `on`} for these units, in two calls
        whatever their number: the part_of relations holding that day (of the one unit, or all of them), then the
        organisations at their other ends by id."""
        units = set(unit_ids)
        if not units:
            return {}
        params = {"kind": PART_OF, "as_of": on.isoformat()}
        if len(units) == 1:
            params["organisation"] = next(iter(units))
        relations = await self.client.get_all("/actors/relations", params,
                                              what="the registry's part_of relations")
        parent_ids = {unit: {r["object"]["id"] for r in relations
                             if r["subject"]["id"] == unit and r.get("active", True)} for unit in units}
        wanted = set().union(*parent_ids.values())
        found = await self.organisations(wanted, on) if wanted else {}
        return {unit: [found[p] for p in sorted(ids) if p in found] for unit, ids in parent_ids.items()}

    async def receiver(self, organisation_id: str, on: date, field: str) -> Receiver:
        """The organisation as a receiver of funds on `on`: registered, open that day, with an organisation
        number of its own or part of one organisation that has one (its payee); otherwise 422 naming `field`."""
        error = await self.receiver_error(organisation_id, on, field)
        if isinstance(error, FieldError):
            raise InvalidInput(error.message, errors=[error])
        return error

    async def receiver_error(self, organisation_id: str, on: date, field: str) -> Receiver | FieldError:
        organisation = await self.organisation(organisation_id, on) if registry_shaped(organisation_id) else None
        parents = None
        if organisation is not None and without_org_number({organisation_id: organisation}):
            parents = (await self.parents({organisation_id}, on))[organisation_id]
        return as_receiver(organisation_id, organisation, on, field, parents)

    async def signatories(self, organisation_id: str, on: date) -> dict[str, str]:
        """{person id: name} of those holding a signatory post of the organisation on `on`."""
        posts = await self.client.get_all("/actors/posts", {"organisation": organisation_id,
                                                            "role": SIGNATORY_ROLE, "as_of": on.isoformat()},
                                          what=f"the signatories of {organisation_id}")
        return {p["holder"]["id"]: p["holder"]["name"] for p in posts if p.get("holder")}

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


async def registry(client: Annotated[PlatformClient, Depends(platform_client)]) -> Registry:
    return Registry(client)


RegistryReader = Annotated[Registry, Depends(registry)]
