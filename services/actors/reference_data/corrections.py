"""Brings the shipped records of a register loaded by an earlier release to what the reference data says now.

The reference data improves between releases: bounds found in the sources, name histories, a relation no source
supports any longer. Loading it again brings a register to what a fresh one holds, without undoing what people
have done since:

- A field of a shipped organisation, relation or post that nobody has changed since it was loaded follows the
  reference data. Each corrected record gets an audit event `correct` by `reference-data` whose `before` and
  `after` hold the fields it corrected.
- A field somebody changed (an audit event of theirs shows it changed, or they created the record) stays as they
  left it; where the reference data says otherwise, the record is counted as `kept` and logged for review.
- A correction that would not fit what people recorded leaves the record as it is, also counted as kept: a period
  that would end before it starts, or a post whose bounds would no longer hold one of its memberships (a
  fictional demo membership is fitted to the post instead).
- A shipped relation (`ref-` id) the reference data no longer holds, and that nobody has changed, is withdrawn:
  deleted, with its last state in an audit event `withdraw`.

After a load that corrected, withdrew or kept anything, the whole register is checked against the consistency
rules (relations/consistency.py) on every date where any period starts or ends, and each broken rule is logged
(`register_inconsistent`, with the first date it is broken on) and counted as `inconsistencies`: what people kept
may not fit what the reference data now says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.organisations.models import Organisation, OrganisationIdentifier, OrganisationName
from services.actors.posts.models import Membership, Post
from services.actors.relations.consistency import violations_on, within
from services.actors.relations.models import Relation
from shared.periods import last_day
from shared.records import utcnow

log = structlog.get_logger("actors.reference_data")

EVERY_FIELD = "*"
DEMO_MEMBERSHIP_PREFIX = "demo-membership-"
SHIPPED_RELATION_PREFIX = "ref-"


@dataclass(frozen=True)
class ShippedKind:
    """How one kind of shipped record is compared: its fields, and which key of its audit snapshots is which
    field (a snapshot's `name` is the organisation's names, a relation's `unit` its `unit_id`)."""

    entity_type: str
    model: type
    fields: tuple[str, ...]
    snapshot_keys: dict[str, str]


def _same_keys(*fields: str) -> dict[str, str]:
    return {f: f for f in fields}


ORGANISATIONS = ShippedKind(
    "organisation", Organisation, ("kind", "county_code", "valid_from", "valid_to", "note", "source", "names",
                                   "identifiers"),
    _same_keys("kind", "county_code", "valid_from", "valid_to", "note", "source", "names", "identifiers")
    | {"name": "names", "short_name": "names"})
RELATIONS = ShippedKind(
    "relation", Relation, ("valid_from", "valid_to", "reported", "evidence", "attested", "joint", "unit_id", "note",
                           "source", "attested_until"),
    _same_keys("valid_from", "valid_to", "reported", "evidence", "attested", "joint", "note", "source",
               "attested_until")
    | {"unit": "unit_id", "sources": "source"})
POSTS = ShippedKind(
    "post", Post, ("organisation_id", "role", "label", "on_behalf_of_id", "valid_from", "valid_to", "source"),
    _same_keys("role", "label", "valid_from", "valid_to", "source")
    | {"organisation": "organisation_id", "on_behalf_of": "on_behalf_of_id"})
MEMBERSHIPS = ShippedKind("membership", Membership, ("valid_from", "valid_to"), _same_keys("valid_from", "valid_to"))


def _names(organisation: Organisation) -> tuple[tuple[Any, ...], ...]:
    return tuple((n.name, n.short_name, n.valid_from, n.valid_to, n.evidence) for n in organisation.names)


def _identifiers(organisation: Organisation) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted((i.scheme, i.value, i.valid_from, i.valid_to) for i in organisation.identifiers))


def values(kind: ShippedKind, record: Any) -> dict[str, Any]:
    getters: dict[str, Callable[[Any], Any]] = {"names": _names, "identifiers": _identifiers}
    return {f: getters[f](record) if f in getters else getattr(record, f) for f in kind.fields}


PARTS = {"names": ("name", "short_name", "valid_from", "valid_to", "evidence"),
         "identifiers": ("scheme", "value", "valid_from", "valid_to")}


def fingerprint_line(kind: ShippedKind, record: Any) -> bytes:
    """What a shipped record is, for the digest of a load's reference data: a load whose digest is the one the last
    load recorded has nothing to correct (every record nobody changed already matches), so it skips the comparison
    (0.17 s of every `setup` on SQLite)."""
    return f"{kind.entity_type}:{record.id}:{values(kind, record)!r}\n".encode()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def as_json(field: str, value: Any) -> Any:
    """A field's value as the audit trail shows it: names and identifiers as lists of objects."""
    if field in PARTS:
        return [{key: _plain(v) for key, v in zip(PARTS[field], part, strict=True)} for part in value]
    return _plain(value)


class ReferenceCorrections:
    """One load's corrections, inside the loader's transaction."""

    def __init__(self, session: AsyncSession, actor: str) -> None:
        self.session = session
        self.actor = actor
        self.counts = {"corrected_organisations": 0, "corrected_relations": 0, "corrected_posts": 0,
                       "withdrawn_relations": 0, "kept": 0}
        self.counties: dict[str, str | None] = {}  # organisation id -> county code, read once when needed
        # The memberships of the posts being compared, by post, and those people changed: read once per load.
        self.memberships: dict[str, list[Membership]] = defaultdict(list)
        self.memberships_owned: dict[str, set[str]] = {}

    async def apply(self, organisations: dict[str, Organisation], relations: dict[str, Relation],
                    posts: dict[str, Post], shipped_relation_ids: set[str]) -> dict[str, int]:
        """`organisations`, `relations`, `posts`: the reference data's version (unsaved) of each shipped record
        the register already holds, by id; `shipped_relation_ids`: every relation id the reference data holds."""
        for kind, shipped in ((ORGANISATIONS, organisations), (RELATIONS, relations), (POSTS, posts)):
            if shipped:
                await self._correct(kind, shipped)
        await self._withdraw_relations(shipped_relation_ids)
        if any(self.counts.values()):
            await self.session.flush()
            self.counts["inconsistencies"] = await self._inconsistencies()
        return self.counts

    async def _inconsistencies(self) -> int:
        """The consistency rules' breaches in the whole register, each once, on every date a period starts or
        ends (a breach can only begin on such a date) and on the day before the first."""
        organisations = {o.id: (o.valid_from, o.valid_to, o.kind)
                         for o in (await self.session.execute(select(Organisation.id, Organisation.valid_from,
                                                                     Organisation.valid_to, Organisation.kind)))}
        relations = (await self.session.scalars(select(Relation))).all()
        posts = (await self.session.scalars(select(Post))).all()
        bounds = {d for start, end, _ in organisations.values() for d in (start, end)}
        bounds |= {d for record in (*relations, *posts) for d in (record.valid_from, record.valid_to)}
        days = sorted(d for d in bounds if d is not None)
        first_seen: dict[str, date] = {}
        for day in ([last_day(days[0])] if days else []) + days:
            for breach in violations_on(day, organisations, relations, posts):
                first_seen.setdefault(breach.split(": ", 1)[1], day)
        for breach, day in first_seen.items():
            log.warning("register_inconsistent", breach=breach, from_date=day.isoformat())
        return len(first_seen)

    async def _correct(self, kind: ShippedKind, shipped: dict[str, Any]) -> None:
        owned = await self.changed_by_people(kind, shipped)
        if kind is POSTS:
            for membership in (await self.session.scalars(select(Membership).where(
                    Membership.post_id.in_(shipped)))).all():
                self.memberships[membership.post_id].append(membership)
            self.memberships_owned = await self.changed_by_people(
                MEMBERSHIPS, [m.id for held in self.memberships.values() for m in held])
        stored = (await self.session.scalars(select(kind.model).where(kind.model.id.in_(shipped)))).all()
        for record in stored:
            now, target = values(kind, record), values(kind, shipped[record.id])
            differing = {f for f in kind.fields if now[f] != target[f]}
            if not differing:
                continue
            theirs = set(kind.fields) if EVERY_FIELD in owned[record.id] else owned[record.id]
            fields = differing - theirs
            if differing & theirs:
                self._keep(kind, record.id, sorted(differing & theirs), "changed since it was loaded")
            if fields and await self._fits(kind, record, {f: target[f] for f in fields} | {
                    f: now[f] for f in kind.fields if f not in fields}):
                await self._set(kind, record, shipped[record.id], fields)
                self.session.add(AuditEvent(
                    actor=self.actor, action="correct", entity_type=kind.entity_type, entity_id=record.id,
                    county_code=await self._county(kind, record),
                    before={f: as_json(f, now[f]) for f in sorted(fields)},
                    after={f: as_json(f, target[f]) for f in sorted(fields)}))
                self.counts[f"corrected_{kind.model.__tablename__}"] += 1

    async def changed_by_people(self, kind: ShippedKind, ids: Iterable[str]) -> dict[str, set[str]]:
        """Per record, the fields an audit event not by the loader shows changed (EVERY_FIELD: created by one)."""
        owned: dict[str, set[str]] = defaultdict(set)
        wanted = sorted(ids)
        for start in range(0, len(wanted), 500):
            events = await self.session.execute(
                select(AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)
                .where(AuditEvent.entity_type == kind.entity_type, AuditEvent.actor != self.actor,
                       AuditEvent.entity_id.in_(wanted[start:start + 500])))
            for entity_id, before, after in events:
                if before is None:
                    owned[entity_id].add(EVERY_FIELD)
                    continue
                after = after or {}
                owned[entity_id].update(field for key, field in kind.snapshot_keys.items()
                                        if before.get(key) != after.get(key))
        return owned

    async def _fits(self, kind: ShippedKind, record: Any, result: dict[str, Any]) -> bool:
        start, end = result["valid_from"], result["valid_to"]
        if start is not None and end is not None and end <= start:
            self._keep(kind, record.id, ["valid_from", "valid_to"], "the corrected period would end before it starts")
            return False
        if kind is not POSTS:
            return True
        outside = [m for m in self.memberships[record.id] if not within(start, end, m.valid_from, m.valid_to)]
        theirs = [m for m in outside if not m.id.startswith(DEMO_MEMBERSHIP_PREFIX) or self.memberships_owned[m.id]]
        if theirs:
            self._keep(kind, record.id, ["valid_from", "valid_to"],
                       f"membership {theirs[0].id} would fall outside the corrected period")
            return False
        for m in outside:
            m.valid_from = max(filter(None, [m.valid_from, start]), default=None)
            m.valid_to = min(filter(None, [m.valid_to, end]), default=None)
            if m.valid_from is not None and m.valid_to is not None and m.valid_to <= m.valid_from:
                await self.session.delete(m)
        return True

    async def _set(self, kind: ShippedKind, record: Any, shipped: Any, fields: set[str]) -> None:
        for field in sorted(fields):
            if field == "names":
                record.names = []
                await self.session.flush()
                record.names = [OrganisationName(name=n.name, short_name=n.short_name, position=n.position,
                                                 search_name=n.search_name, valid_from=n.valid_from,
                                                 valid_to=n.valid_to, evidence=n.evidence) for n in shipped.names]
            elif field == "identifiers":
                record.identifiers = []
                await self.session.flush()
                record.identifiers = [OrganisationIdentifier(scheme=i.scheme, value=i.value, valid_from=i.valid_from,
                                                             valid_to=i.valid_to) for i in shipped.identifiers]
            else:
                setattr(record, field, getattr(shipped, field))
        # Touching the row makes the mapper bump `version` (the ETag) even when only names changed.
        record.updated_at = utcnow()

    async def _withdraw_relations(self, shipped_ids: set[str]) -> None:
        stored = (await self.session.scalars(
            select(Relation).where(Relation.id.like(f"{SHIPPED_RELATION_PREFIX}%")))).all()
        gone = [r for r in stored if r.id not in shipped_ids]
        if not gone:
            return
        owned = await self.changed_by_people(RELATIONS, [r.id for r in gone])
        for relation in gone:
            if owned[relation.id]:
                self._keep(RELATIONS, relation.id, sorted(owned[relation.id]), "no longer in the reference data")
                continue
            self.session.add(AuditEvent(
                actor=self.actor, action="withdraw", entity_type="relation", entity_id=relation.id,
                county_code=await self._county(RELATIONS, relation),
                before={"kind": relation.kind, "subject_id": relation.subject_id, "object_id": relation.object_id}
                | {f: as_json(f, v) for f, v in values(RELATIONS, relation).items()}, after=None))
            await self.session.execute(delete(Relation).where(Relation.id == relation.id))
            self.counts["withdrawn_relations"] += 1

    async def _county(self, kind: ShippedKind, record: Any) -> str | None:
        """The record's owning county (shared.authorization): an organisation's own, a relation's subject's, a
        post's organisation's."""
        if kind is ORGANISATIONS:
            return record.county_code
        if not self.counties:
            self.counties = dict((await self.session.execute(select(Organisation.id, Organisation.county_code))).all())
        return self.counties.get(record.subject_id if kind is RELATIONS else record.organisation_id)

    def _keep(self, kind: ShippedKind, record_id: str, fields: Sequence[str], why: str) -> None:
        self.counts["kept"] += 1
        log.warning("reference_record_kept", entity_type=kind.entity_type, entity_id=record_id, fields=list(fields),
                    reason=why)
