"""Loads the registry's reference organisations: counties and municipalities from SCB, then the structures
in structures.yaml (regions, the 24 RSS and their hosts, national bodies and networks, worked examples).

Idempotent: a record already in the register is left as it is, so loading again never undoes later changes.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.organisations.models import (
    IdentifierScheme,
    Organisation,
    OrganisationIdentifier,
    OrganisationKind,
    OrganisationName,
)
from services.actors.organisations.service import search_text
from services.actors.posts.models import Post, PostRole
from services.actors.relations.models import Relation, RelationKind

REFERENCE_DIR = Path(__file__).resolve().parent
STRUCTURES_FILE = REFERENCE_DIR / "structures.yaml"
LOADER = "reference-data"
NETWORKS_WITH_RSS_SEATS = (
    "network-rss", "partnerskapet", "network-barn-och-unga", "network-digitalisering", "network-funktionshinder",
    "network-kvinnofrid", "network-milk", "network-systematisk-uppfoljning", "network-aldre",
)


def _csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _names(entries: list[dict[str, Any]]) -> list[OrganisationName]:
    return [OrganisationName(name=e["name"], short_name=e.get("short_name"), position=i,
                             search_name=search_text(e["name"], e.get("short_name")),
                             valid_from=e.get("valid_from"), valid_to=e.get("valid_to"))
            for i, e in enumerate(entries)]


def relation_id(kind: str, subject: str, obj: str, valid_from: date | None, reported: int | None) -> str:
    when = valid_from.isoformat() if valid_from else (str(reported) if reported else "undated")
    return f"ref-{kind}-{subject}-{obj}-{when}".replace("_", "-")[:64]


class ReferenceLoader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.counts = {"organisations": 0, "relations": 0, "posts": 0}
        self.known_orgs: dict[str, str] = {}  # id -> kind
        self.known_relations: set[str] = set()
        self.known_posts: set[str] = set()

    async def load(self) -> dict[str, int]:
        self.known_orgs = dict((await self.session.execute(select(Organisation.id, Organisation.kind))).all())
        self.known_relations = set((await self.session.scalars(select(Relation.id))).all())
        self.known_posts = set((await self.session.scalars(select(Post.id))).all())
        self._geography()
        if STRUCTURES_FILE.exists():
            self._structures(yaml.safe_load(STRUCTURES_FILE.read_text(encoding="utf-8")))
            self._network_seats()
        await self.session.flush()
        if any(self.counts.values()):
            self.session.add(AuditEvent(actor=LOADER, action="load_reference_data", entity_type="register",
                                        entity_id="reference-data", after=dict(self.counts)))
        return {f"new_{k}": v for k, v in self.counts.items()}

    def _organisation(self, org: Organisation) -> None:
        if org.id in self.known_orgs:
            return
        self.session.add(org)
        self.known_orgs[org.id] = org.kind
        self.counts["organisations"] += 1

    def _relation(self, *, kind: str, subject: str, obj: str, valid_from: date | None = None,
                  valid_to: date | None = None, reported: int | None = None, note: str | None = None,
                  source: str | None = None) -> None:
        rid = relation_id(kind, subject, obj, valid_from, reported)
        if rid in self.known_relations:
            return
        self.session.add(Relation(id=rid, kind=kind, subject_id=subject, object_id=obj, valid_from=valid_from,
                                  valid_to=valid_to, reported=reported, note=note, source=source))
        self.known_relations.add(rid)
        self.counts["relations"] += 1

    def _geography(self) -> None:
        for row in _csv("counties.csv"):
            self._organisation(Organisation(
                id=f"county-{row['code']}", kind=OrganisationKind.COUNTY.value, county_code=row["code"],
                names=_names([{"name": row["name"]}]), source="SCB, Län och kommuner 2023",
                identifiers=[OrganisationIdentifier(scheme=IdentifierScheme.SCB_COUNTY.value, value=row["code"])]))
        for row in _csv("municipalities.csv"):
            org_id = f"municipality-{row['code']}"
            self._organisation(Organisation(
                id=org_id, kind=OrganisationKind.MUNICIPALITY.value, county_code=row["county_code"],
                names=_names([{"name": row["name"]}]), source="SCB, Län och kommuner 2023",
                identifiers=[OrganisationIdentifier(scheme=IdentifierScheme.SCB_MUNICIPALITY.value,
                                                    value=row["code"])]))
            self._relation(kind=RelationKind.PART_OF.value, subject=org_id, obj=f"county-{row['county_code']}",
                           source="SCB, Län och kommuner 2023")

    def _structures(self, doc: dict[str, Any]) -> None:
        for entry in doc.get("organisations", []):
            self._organisation(Organisation(
                id=entry["id"], kind=OrganisationKind(entry["kind"]).value, county_code=entry.get("county"),
                valid_from=entry.get("valid_from"), valid_to=entry.get("valid_to"), note=entry.get("note"),
                source=entry.get("source"), names=_names(entry["names"]),
                identifiers=[OrganisationIdentifier(scheme=IdentifierScheme(i["scheme"]).value, value=i["value"])
                             for i in entry.get("identifiers") or []]))
        for entry in doc.get("relations", []):
            self._relation(kind=RelationKind(entry["kind"]).value, subject=entry["subject"], obj=entry["object"],
                           valid_from=entry.get("valid_from"), valid_to=entry.get("valid_to"),
                           reported=entry.get("reported"), note=entry.get("note"), source=entry.get("source"))
        for entry in doc.get("posts", []):
            if entry["id"] in self.known_posts:
                continue
            self.session.add(Post(id=entry["id"], organisation_id=entry["organisation"],
                                  role=PostRole(entry["role"]).value, label=entry.get("label"),
                                  on_behalf_of_id=entry.get("on_behalf_of"), valid_from=entry.get("valid_from"),
                                  valid_to=entry.get("valid_to"), source=entry.get("source")))
            self.known_posts.add(entry["id"])
            self.counts["posts"] += 1


    def _network_seats(self) -> None:
        """One seat per RSS in each national network and the Partnership: "who represents county X in
        network Y" has a post to answer with even while it is vacant."""
        rss_ids = sorted(i for i, kind in self.known_orgs.items() if kind == OrganisationKind.RSS.value)
        for network in NETWORKS_WITH_RSS_SEATS:
            if network not in self.known_orgs:
                continue
            for rss in rss_ids:
                post_id = f"seat-{network}-{rss}"
                if post_id in self.known_posts:
                    continue
                self.session.add(Post(id=post_id, organisation_id=network, role=PostRole.ORDINARY_MEMBER.value,
                                      label="Representative of the RSS", on_behalf_of_id=rss,
                                      source="Every RSS has a seat (DOMAIN: national networks)"))
                self.known_posts.add(post_id)
                self.counts["posts"] += 1


async def load_organisations(session: AsyncSession) -> dict[str, int]:
    return await ReferenceLoader(session).load()
