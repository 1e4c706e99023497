"""From what the sources attest to bounded periods: the rule the reference data is loaded by.

A relation in structures.yaml has exact bounds, bounds known to a month or a year (`evidence: month|year`, the
first day of the month or year standing for the bound), or only attestations (`attested: [2012, 2013]`: a
source says it held in those years, or on those dates). An attested-only bound is inferred here, once, when the
file is loaded, and stored as an ordinary valid_from/valid_to with `evidence: attested` and the attestations, so
every as-of read answers from stored periods and says which rows are inferred:

- it starts on its first attestation (1 January of an attested year, or the attested date);
- it ends at the earliest of: the closing of either organisation (or of the host's unit); and the start of the
  next incompatible fact that starts after its last attestation. Incompatible: another placement (hosts or
  employer_of) of the same RSS, unless both are joint; another `governs` of the same object by an organisation
  of the same kind. Members, owners, funders and parts have no incompatible facts: only a closing ends them;
- a bound the file gives is kept as given; the relation's evidence is its weakest bound's;
- an attested-only relation whose end was inferred is known through its last attestation only: `attested_until`,
  the day after it, is when the register stops knowing it (relations/validity.py, the rule every read applies).
  The inferred end stays stored as the longest the sources allow.

Pure functions over the loaded YAML document (and the generated counties and municipalities, which have no
dates), so the file's own tests run the same rule without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.actors.relations.validity import attested_until as unknown_from

PLACEMENT_KINDS = frozenset({"hosts", "employer_of"})


@dataclass(slots=True)
class BoundedRelation:
    kind: str
    subject: str
    object: str
    valid_from: date | None
    valid_to: date | None
    evidence: str
    attested: list[date | int] = field(default_factory=list)
    joint: bool = False
    unit: str | None = None
    key_date: date | int | None = None  # what the relation's reference id is made from
    attested_until: date | None = None  # unknown from this day (relations/validity.py)
    confirmed_from: date | None = None  # never in the file: a county system's confirmation
    note: str | None = None
    source: str | None = None

    @property
    def reported(self) -> int | None:
        """The latest attested year (the registry's `reported`)."""
        years = [a if isinstance(a, int) else a.year for a in self.attested]
        return max(years) if years else None

    @property
    def attested_text(self) -> str | None:
        return ",".join(str(a) for a in self.attested) or None


def attestation_start(value: date | int) -> date:
    return date(value, 1, 1) if isinstance(value, int) else value


def _last_attested(value: date | int) -> date:
    """The last day an attestation covers: 31 December of a year, the day itself for a date."""
    return date(value, 12, 31) if isinstance(value, int) else value


def bound_relations(doc: dict[str, Any]) -> list[BoundedRelation]:
    """Every relation of the document (`relations` and the expanded `network_memberships`), bounded."""
    closing = {o["id"]: o.get("valid_to") for o in doc.get("organisations", [])}
    kinds = {o["id"]: o["kind"] for o in doc.get("organisations", [])}
    entries = list(doc.get("relations", [])) + expand_network_memberships(doc)
    drafts: list[tuple[BoundedRelation, dict[str, Any]]] = []
    for entry in entries:
        attested = sorted(entry.get("attested") or [], key=attestation_start)
        start, end = entry.get("valid_from"), entry.get("valid_to")
        evidence = entry.get("evidence", "exact") if (start or end) else None
        if start is None and attested:
            start, evidence = attestation_start(attested[0]), "attested"
        drafts.append((BoundedRelation(
            kind=entry["kind"], subject=entry["subject"], object=entry["object"], valid_from=start, valid_to=end,
            evidence=evidence, attested=attested, joint=bool(entry.get("joint")), unit=entry.get("unit"),
            key_date=entry.get("valid_from") or (max(attested, key=attestation_start) if attested else None),
            note=entry.get("note"), source=entry.get("source")), entry))
    for relation, entry in drafts:
        if entry.get("valid_to") is not None or not relation.attested:
            continue
        last = max(_last_attested(a) for a in relation.attested)
        ends = [closing.get(o) for o in (relation.subject, relation.object, relation.unit) if o]
        for other, _ in drafts:
            if other is relation or other.object != relation.object or other.valid_from is None \
                    or other.valid_from <= last:
                continue
            if relation.kind in PLACEMENT_KINDS and other.kind in PLACEMENT_KINDS \
                    and not (relation.joint and other.joint):
                ends.append(other.valid_from)
            elif relation.kind == other.kind == "governs" \
                    and kinds.get(relation.subject) == kinds.get(other.subject):
                ends.append(other.valid_from)
        ends = [e for e in ends if e is not None and (relation.valid_from is None or e > relation.valid_from)]
        if ends:
            relation.valid_to = min(ends)
            relation.evidence = "attested"
    for relation, entry in drafts:
        relation.attested_until = unknown_from(relation.evidence, relation.attested,
                                               end_given=entry.get("valid_to") is not None,
                                               valid_to=relation.valid_to)
    return [relation for relation, _ in drafts]


def expand_network_memberships(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """`network_memberships`: every RSS is a member of each listed network, on what the entry attests."""
    rss = sorted(o["id"] for o in doc.get("organisations", []) if o["kind"] == "rss")
    out = []
    for entry in doc.get("network_memberships", []):
        for rss_id in rss:
            out.append({"kind": "member_of", "subject": rss_id, "object": entry["network"],
                        **{k: v for k, v in entry.items() if k != "network"}})
    return out


NETWORKS_WITH_RSS_SEATS = (
    "network-rss", "partnerskapet", "network-barn-och-unga", "network-digitalisering", "network-funktionshinder",
    "network-kvinnofrid", "network-milk", "network-systematisk-uppfoljning", "network-aldre",
)


@dataclass(slots=True)
class Seat:
    id: str
    organisation_id: str
    on_behalf_of_id: str
    valid_from: date | None
    valid_to: date | None
    source: str
    role: str = "ordinary_member"
    label: str = "Representative of the RSS"


def network_seats(rss_ids: list[str], relations: list[BoundedRelation]) -> list[Seat]:
    """One seat per RSS in each national network and the Partnership, for as long as the RSS is a member (its
    first membership of the network): "who represents county X in network Y" has a post to answer with even
    while it is vacant."""
    first: dict[tuple[str, str], BoundedRelation] = {}
    for r in relations:
        if r.kind == "member_of":
            first.setdefault((r.subject, r.object), r)
    seats = []
    for network in NETWORKS_WITH_RSS_SEATS:
        for rss in sorted(rss_ids):
            if (membership := first.get((rss, network))) is not None:
                seats.append(Seat(id=f"seat-{network}-{rss}", organisation_id=network, on_behalf_of_id=rss,
                                  valid_from=membership.valid_from, valid_to=membership.valid_to,
                                  source=f"A seat for each member RSS; membership: {membership.source}"[:300]))
    return seats
