"""The actor registry as funding and surveys read it: one typed client over shared.service_client.

A service reads another service in one way only: over HTTP, through the gateway, with its own key
(`PlatformClient`: the per-request call bound, the on-behalf-of header, kept answers). This module is what the
registry's answers mean to a reader: municipalities with their populations, counties, organisations (many by id in
one call), the organisations a unit is part of, posts by role, population bases; each as a small frozen dataclass.
Nothing here decides what a service does with them (who receives money, whom a survey is sent to): that stays in
the service.

There is one `RegistryClient` per `PlatformClient` (`registry_of`), so what it keeps lives as long as the
platform client does, one per app: the municipalities parsed from a kept list answer are handed back while the
platform client keeps that answer (the same list object), and the 290 municipalities are not made again for every
request. Read them, never change them.

A county code that names no county makes the registry refuse a list filtered by it; the client then asks for the
county and raises `UnknownCounty` (a registry that cannot be reached stays a 503, `PlatformUnavailable`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Protocol

from fastapi import Depends

from shared.service_client import PlatformUnavailable, platform_client

PART_OF = "part_of"
ORG_NUMBER = "org_number"
MAILBOX = "email"
# Ids asked about in one list call by id: as many as the registry answers in one page.
IDS_PER_CALL = 100
_REGISTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")  # the registry's record ids


def registry_shaped(record_id: str) -> bool:
    """Whether the id can name a record of the registry (one that cannot is unknown there without asking)."""
    return _REGISTRY_ID.match(record_id) is not None


class Platform(Protocol):
    """What the client needs of shared.service_client.PlatformClient (a test may stand in for it)."""

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> Any: ...

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]: ...


class UnknownCounty(Exception):
    """The registry has no county with this code."""

    def __init__(self, county_code: str) -> None:
        super().__init__(county_code)
        self.county_code = county_code


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    populations: dict[int, int]  # {year: people on 31 December}


@dataclass(frozen=True)
class Organisation:
    """An organisation as of the date asked about: open that day or not (`active`)."""

    id: str
    name: str
    county_code: str | None
    active: bool
    org_number: str | None
    kind: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Organisation:
        org_number = next((i["value"] for i in body.get("identifiers", ()) if i["scheme"] == ORG_NUMBER), None)
        return cls(id=body["id"], name=body["name"], county_code=body.get("county_code"),
                   active=body.get("active", True), org_number=org_number, kind=body.get("kind"))


@dataclass(frozen=True)
class Post:
    id: str
    organisation_id: str
    holder_id: str | None
    holder_name: str | None
    mailbox: str | None  # the post's own e-mail channel (a function's mailbox), not its holder's
    active: bool


@dataclass(frozen=True)
class OrganisationRef:
    """Another organisation as an answer names it: id, kind, name (on the date asked about) and county."""

    id: str
    kind: str
    name: str
    county_code: str | None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> OrganisationRef:
        return cls(id=body["id"], kind=body["kind"], name=body["name"], county_code=body.get("county_code"))


@dataclass(frozen=True)
class Seat:
    """A post in an RSS's overview: a contact point of the RSS itself, or a seat held on its behalf in a network or
    group (`organisation`); its holder's name on the date (None: vacant); the post's own mailbox, not a person's."""

    id: str
    organisation: OrganisationRef
    role: str
    label: str | None
    holder_name: str | None
    mailbox: str | None


@dataclass(frozen=True)
class RssOverview:
    """An RSS on a date as the registry's overview gives it: where it is hosted and who employs its staff (none
    when no source names one then: `placement_known` False), its contact points (fixed functions) and the seats
    held on its behalf."""

    rss: Organisation
    hosts: list[OrganisationRef]
    employers: list[OrganisationRef]
    placement_known: bool
    contact_points: list[Seat]
    representatives: list[Seat]


def _seat(post: Mapping[str, Any]) -> Seat:
    holder = post.get("holder")
    return Seat(id=post["id"], organisation=OrganisationRef.of(post["organisation"]), role=post["role"],
                label=post.get("label"), holder_name=holder["name"] if holder else None,
                mailbox=next((c["value"] for c in post.get("contacts", []) if c["kind"] == MAILBOX), None))


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


class RegistryClient:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        # {county code or None: (the kept list read, the municipalities made from it)}
        self._municipalities: dict[str | None, tuple[list[Any], dict[str, Municipality]]] = {}

    async def municipalities(self, county_code: str | None = None) -> dict[str, Municipality]:
        """{code: municipality} of one county, or all 290, with their published populations by year."""
        items = await self._list_of_county("/actors/municipalities", {}, county_code,
                                           what="the registry's municipalities")
        parsed = self._municipalities.get(county_code)
        if parsed is not None and parsed[0] is items:  # the same kept answer: read once already
            return parsed[1]
        municipalities = {m["code"]: Municipality(code=m["code"], name=m["name"], county_code=m["county_code"],
                                                  populations={p["year"]: p["population"] for p in m["populations"]})
                          for m in items}
        self._municipalities[county_code] = (items, municipalities)
        return municipalities

    async def counties(self) -> dict[str, str]:
        """{SCB code: name} of every county, in one call."""
        counties = await self.platform.get_all("/actors/counties", what="the registry's counties")
        return {c["code"]: c["name"] for c in counties}

    async def organisations_of_kind(self, kind: str, county_code: str | None, on: date) -> dict[str, Organisation]:
        """{id: organisation} of one kind open on `on` (one county's, or all)."""
        items = await self._list_of_county("/actors/organisations", {"kind": kind, "as_of": on.isoformat()},
                                           county_code, what=f"the registry's organisations of kind {kind}")
        return {o["id"]: Organisation.of(o) for o in items if o.get("active", True)}

    async def organisations(self, organisation_ids: Collection[str], on: date, *,
                            include_inactive: bool = False) -> dict[str, Organisation]:
        """{id: organisation as of `on`} of those ids the registry has (open that day, unless
        `include_inactive`): one call for every IDS_PER_CALL ids; ids that cannot be registry ids are not asked
        about."""
        wanted = sorted({i for i in organisation_ids if registry_shaped(i)})
        found: dict[str, Organisation] = {}
        for start in range(0, len(wanted), IDS_PER_CALL):
            batch = wanted[start:start + IDS_PER_CALL]
            params = {"id": ",".join(batch), "as_of": on.isoformat()}
            if include_inactive:
                params["include_inactive"] = "true"
            items = await self.platform.get_all("/actors/organisations", params,
                                                what=f"{len(batch)} organisation(s) in the registry",
                                                limit=IDS_PER_CALL)
            found.update((o["id"], Organisation.of(o)) for o in items
                         if include_inactive or o.get("active", True))
        return found

    async def organisation(self, organisation_id: str, on: date) -> Organisation | None:
        """The organisation as of `on` (open that day or not); None when the registry has none by that id."""
        if not registry_shaped(organisation_id):
            return None
        answer = await self.platform.get(f"/actors/organisations/{organisation_id}", {"as_of": on.isoformat()},
                                         what=f"organisation {organisation_id}")
        return Organisation.of(answer.body) if answer.status == 200 else None

    async def part_of(self, unit_ids: Collection[str], on: date) -> dict[str, list[Organisation]]:
        """{unit id: the organisations (as of `on`) it is part of on `on`} for these units, in two calls
        whatever their number: the part_of relations holding that day (of the one unit, or all of them), then the
        organisations at their other ends by id."""
        units = set(unit_ids)
        if not units:
            return {}
        params = {"kind": PART_OF, "as_of": on.isoformat()}
        if len(units) == 1:
            params["organisation"] = next(iter(units))
        relations = await self.platform.get_all("/actors/relations", params,
                                                what="the registry's part_of relations")
        parent_ids = {unit: {r["object"]["id"] for r in relations
                             if r["subject"]["id"] == unit and r.get("active", True)} for unit in units}
        wanted = set().union(*parent_ids.values())
        found = await self.organisations(wanted, on, include_inactive=True) if wanted else {}
        return {unit: [found[p] for p in sorted(ids) if p in found] for unit, ids in parent_ids.items()}

    async def posts(self, role: str, on: date, organisation_id: str | None = None, *, what: str) -> list[Post]:
        """The posts of a role held on `on` (of one organisation, or of all), in id order."""
        params = {"role": role, "as_of": on.isoformat()}
        if organisation_id is not None:
            params = {"organisation": organisation_id, **params}
        items = await self.platform.get_all("/actors/posts", params, what=what)
        return [Post(id=p["id"], organisation_id=(p.get("organisation") or {}).get("id", organisation_id or ""),
                     holder_id=p["holder"]["id"] if p.get("holder") else None,
                     holder_name=p["holder"]["name"] if p.get("holder") else None,
                     mailbox=next((c["value"] for c in p.get("contacts", []) if c["kind"] == MAILBOX), None),
                     active=p.get("active", True))
                for p in sorted(items, key=lambda p: p["id"])]

    async def rss_overview(self, rss_id: str, on: date) -> RssOverview | None:
        """The RSS on `on`: hosts, employers, contact points and the seats held on its behalf; None when the
        registry has no RSS by that id."""
        if not registry_shaped(rss_id):
            return None
        answer = await self.platform.get(f"/actors/rss/{rss_id}", {"as_of": on.isoformat()},
                                         what=f"the registry's overview of {rss_id}")
        if answer.status != 200:
            return None
        body = answer.body
        return RssOverview(
            rss=Organisation.of(body["rss"]),
            hosts=[OrganisationRef.of(r["organisation"]) for r in body.get("hosts", [])],
            employers=[OrganisationRef.of(r["organisation"]) for r in body.get("employers", [])],
            placement_known=body.get("placement_unknown") is None,
            contact_points=[_seat(p) for p in body.get("contact_points", [])],
            representatives=[_seat(p) for p in body.get("representatives", [])])

    async def population_basis(self, basis_id: str) -> PopulationBasis | None:
        """The registry's population basis; None when it has none by that id."""
        if not registry_shaped(basis_id):
            return None
        answer = await self.platform.get(f"/actors/population-bases/{basis_id}", what=f"population basis {basis_id}")
        if answer is None or answer.status != 200:
            return None
        body = answer.body
        return PopulationBasis(id=body["id"], name=body["name"], source=body["source"],
                               reference_date=body["reference_date"],
                               populations={r["code"]: r["population"] for r in body["rows"]})

    async def _list_of_county(self, path: str, params: dict[str, Any], county_code: str | None, *,
                              what: str) -> list[Any]:
        """Every item of a list filtered by county; UnknownCounty when the registry refuses the county because
        it has none by that code."""
        try:
            return await self.platform.get_all(path, {**params, "county": county_code}, what=what)
        except PlatformUnavailable:
            if county_code is not None and await self._no_such_county(county_code):
                raise UnknownCounty(county_code) from None
            raise

    async def _no_such_county(self, county_code: str) -> bool:
        try:
            answer = await self.platform.get(f"/actors/counties/{county_code}", what=f"county {county_code}")
        except PlatformUnavailable:
            return False
        return answer.status == 404


_CLIENTS: weakref.WeakKeyDictionary[Any, RegistryClient] = weakref.WeakKeyDictionary()


def registry_of(platform: Platform) -> RegistryClient:
    """The one registry client of this platform client."""
    client = _CLIENTS.get(platform)
    if client is None:
        client = _CLIENTS[platform] = RegistryClient(platform)
    return client


def registry_client(platform: Annotated[Any, Depends(platform_client)]) -> RegistryClient:
    return registry_of(platform)


# The app's registry client, as a route (or service-provider) dependency.
Registry = Annotated[RegistryClient, Depends(registry_client)]
