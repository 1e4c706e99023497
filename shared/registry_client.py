"""The actor registry as funding and surveys read it: one typed client over shared.service_client.

A service reads another service in one way only: over HTTP, through the gateway, with its own key
(`PlatformClient`: the per-request call bound, the on-behalf-of header, kept answers). This module is what the
registry's answers mean to a reader: municipalities with their populations, counties, organisations (many by id in
one call), the organisations a unit is part of, posts by role, population bases, and for the dashboard's pages the
relations holding on a date, the posts held (with whom they are held for), an RSS's overview and an organisation's
history; each as a small frozen dataclass.
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
class OrganisationRef:
    """An organisation as another record names it: id, name (on the date asked about), kind and county."""

    id: str
    name: str
    kind: str | None = None
    county_code: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> OrganisationRef:
        return cls(id=body["id"], name=body.get("name") or body["id"], kind=body.get("kind"),
                   county_code=body.get("county_code"))


@dataclass(frozen=True)
class Contact:
    """A contact channel of an organisation or of a post (a function's mailbox), never a person's own."""

    kind: str  # email, phone, url, ...
    value: str
    label: str | None = None


def _contacts(body: Mapping[str, Any]) -> tuple[Contact, ...]:
    return tuple(Contact(kind=c["kind"], value=c["value"], label=c.get("label")) for c in body.get("contacts") or ())


@dataclass(frozen=True)
class Post:
    id: str
    organisation_id: str
    holder_id: str | None
    holder_name: str | None
    mailbox: str | None  # the post's own e-mail channel (a function's mailbox), not its holder's
    active: bool
    role: str = ""
    label: str = ""
    organisation: OrganisationRef | None = None  # the organisation, group or network the post is in
    on_behalf_of: OrganisationRef | None = None  # whom the post is held for (a seat in a network: an RSS)
    contacts: tuple[Contact, ...] = ()  # the post's own channels (a fixed function's), never its holder's

    @classmethod
    def of(cls, body: Mapping[str, Any], organisation_id: str | None = None) -> Post:
        organisation = body.get("organisation")
        behalf = body.get("on_behalf_of")
        holder = body.get("holder")
        contacts = _contacts(body)
        return cls(id=body["id"], organisation_id=(organisation or {}).get("id", organisation_id or ""),
                   holder_id=holder["id"] if holder else None, holder_name=holder["name"] if holder else None,
                   mailbox=next((c.value for c in contacts if c.kind == MAILBOX), None),
                   active=body.get("active", True), role=body.get("role") or "", label=body.get("label") or "",
                   organisation=OrganisationRef.of(organisation) if organisation else None,
                   on_behalf_of=OrganisationRef.of(behalf) if behalf else None, contacts=contacts)


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


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Relation:
    """A relation between two organisations (`subject` hosts / employs / governs / is part or member of `object`)
    and the period it holds, with how its dates are known (`evidence`: exact, month, year or attested)."""

    id: str
    kind: str
    subject: OrganisationRef
    object: OrganisationRef
    valid_from: date | None
    valid_to: date | None  # exclusive: the first day it no longer holds
    evidence: str | None = None
    joint: bool = False

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Relation:
        return cls(id=body["id"], kind=body["kind"], subject=OrganisationRef.of(body["subject"]),
                   object=OrganisationRef.of(body["object"]), valid_from=_day(body.get("valid_from")),
                   valid_to=_day(body.get("valid_to")), evidence=body.get("evidence"),
                   joint=bool(body.get("joint", False)))


@dataclass(frozen=True)
class Related:
    """An organisation in an RSS's overview (its host, employer, a party, a group, a network) and the period of
    the relation that puts it there; `unit`: the unit of it that does so, when the register names one."""

    organisation: OrganisationRef
    kind: str
    valid_from: date | None
    valid_to: date | None
    evidence: str | None = None
    joint: bool = False
    unit: OrganisationRef | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Related:
        unit = body.get("unit")
        return cls(organisation=OrganisationRef.of(body["organisation"]), kind=body.get("kind") or "",
                   valid_from=_day(body.get("valid_from")), valid_to=_day(body.get("valid_to")),
                   evidence=body.get("evidence"), joint=bool(body.get("joint", False)),
                   unit=OrganisationRef.of(unit) if unit else None)


@dataclass(frozen=True)
class PlacementUnknown:
    """No host and no employer of the RSS holds on the date: the nearest known before and after it."""

    last_before: OrganisationRef | None
    last_known_until: date | None
    last_attested: str | None
    next_after: OrganisationRef | None
    next_known_from: date | None


@dataclass(frozen=True)
class RssOverview:
    """An RSS on a date, as the registry's overview (`/actors/rss/{id}`) answers it."""

    rss: OrganisationRef
    on: date
    hosts: tuple[Related, ...]
    employers: tuple[Related, ...]
    parties: tuple[Related, ...]
    governed_by: tuple[Related, ...]
    groups: tuple[Related, ...]
    networks: tuple[Related, ...]
    contact_points: tuple[Post, ...]
    representatives: tuple[Post, ...]
    contacts: tuple[Contact, ...]
    placement_unknown: PlacementUnknown | None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> RssOverview:
        def related(key: str) -> tuple[Related, ...]:
            return tuple(Related.of(r) for r in body.get(key) or ())

        unknown = body.get("placement_unknown")
        return cls(rss=OrganisationRef.of(body["rss"]), on=date.fromisoformat(body["as_of"]),
                   hosts=related("hosts"), employers=related("employers"), parties=related("parties"),
                   governed_by=related("governed_by"), groups=related("groups"), networks=related("networks"),
                   contact_points=tuple(Post.of(p) for p in body.get("contact_points") or ()),
                   representatives=tuple(Post.of(p) for p in body.get("representatives") or ()),
                   contacts=_contacts(body),
                   placement_unknown=PlacementUnknown(
                       last_before=_related_organisation(unknown.get("last_before")),
                       last_known_until=_day(unknown.get("last_known_until")),
                       last_attested=unknown.get("last_attested"),
                       next_after=_related_organisation(unknown.get("next_after")),
                       next_known_from=_day(unknown.get("next_known_from"))) if unknown else None)


def _related_organisation(body: Mapping[str, Any] | None) -> OrganisationRef | None:
    return OrganisationRef.of(body["organisation"]) if body and body.get("organisation") else None


@dataclass(frozen=True)
class NamePeriod:
    name: str
    short_name: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class HistoryEvent:
    """One event of an organisation's history: founded, closed, renamed, relation_started or relation_ended."""

    on: date | None
    event: str
    relation: Relation | None


@dataclass(frozen=True)
class OrganisationHistory:
    organisation: OrganisationRef
    names: tuple[NamePeriod, ...]
    events: tuple[HistoryEvent, ...]

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> OrganisationHistory:
        return cls(organisation=OrganisationRef.of(body["organisation"]),
                   names=tuple(NamePeriod(name=n["name"], short_name=n.get("short_name"),
                                          valid_from=_day(n.get("valid_from")), valid_to=_day(n.get("valid_to")))
                               for n in body.get("names") or ()),
                   events=tuple(HistoryEvent(on=_day(e.get("on")), event=e["event"],
                                             relation=Relation.of(e["relation"]) if e.get("relation") else None)
                                for e in body.get("timeline") or ()))

    def name_on(self, on: date) -> str:
        """The organisation's name on a date (its current one when no period holds)."""
        for period in self.names:
            if (period.valid_from is None or period.valid_from <= on) and (period.valid_to is None
                                                                            or on < period.valid_to):
                return period.name
        return self.organisation.name


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
        return [Post.of(p, organisation_id) for p in sorted(items, key=lambda p: p["id"])]

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

    async def relations(self, kind: str, on: date, *, organisation_id: str | None = None) -> list[Relation]:
        """The relations of a kind holding on `on` (of one organisation, at either end, or all), in one call per
        500."""
        params = {"kind": kind, "as_of": on.isoformat(), "organisation": organisation_id}
        items = await self.platform.get_all("/actors/relations", params, what=f"the registry's {kind} relations")
        return [Relation.of(r) for r in items if r.get("active", True)]

    async def posts_held(self, on: date, *, county_code: str | None = None, organisation_id: str | None = None,
                         role: str | None = None) -> list[Post]:
        """The posts on `on` (held or vacant; in id order): all of them, those held on behalf of a county's
        organisations (`county_code`), those of one organisation, group or network, or those of a role. Holders
        are named as the registry shows them to this client's key: names, never a person's own channels unless
        the key may see them."""
        params = {"as_of": on.isoformat(), "county": county_code, "organisation": organisation_id, "role": role}
        items = await self.platform.get_all("/actors/posts", params, what="the registry's posts")
        return [Post.of(p) for p in sorted(items, key=lambda p: p["id"]) if p.get("active", True)]

    async def rss_overview(self, rss_id: str, on: date) -> RssOverview | None:
        """The RSS on `on`: host, employers, parties, groups, networks, contact points, representatives; None when
        the registry has no RSS by that id."""
        if not registry_shaped(rss_id):
            return None
        answer = await self.platform.get(f"/actors/rss/{rss_id}", {"as_of": on.isoformat()}, what=f"RSS {rss_id}")
        return RssOverview.of(answer.body) if answer.status == 200 else None

    async def history(self, organisation_id: str) -> OrganisationHistory | None:
        """The organisation's whole history (names, relations started and ended, founding and closing, in date
        order); None when the registry has none by that id."""
        if not registry_shaped(organisation_id):
            return None
        answer = await self.platform.get(f"/actors/organisations/{organisation_id}/history",
                                         what=f"the history of {organisation_id}")
        return OrganisationHistory.of(answer.body) if answer.status == 200 else None

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
