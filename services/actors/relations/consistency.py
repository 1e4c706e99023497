"""Consistency in time: the rules a relation, a host and a seat must keep on every date.

1. A relation holds only while both its organisations exist (and the host's unit, when it names one); a
   successor_of relation starts when its predecessor has ceased, so only its successor must exist.
2. An RSS has one host on a date, unless the sources say otherwise: two hosts at once are both `joint`. On the
   days a hosting holds by the register's rule (relations/validity.py): an attested-only hosting is unknown after
   its last attestation until confirmed, and a host recorded for such a day contradicts nothing.
3. A seat (an ordinary member's, a substitute's or a co-opted member's post) held on behalf of an organisation
   in a group that has member organisations is held on behalf of one of its members on the date.

Rules 1 and 3 read a relation's whole stored period: it must fit its organisations for as long as the sources allow
it, and a seat contradicts the register only on a day its organisation cannot be a member (unknown is not none).

The service enforces them on every write (closing an organisation included: `refuse_outlasting`); `violations_on`
checks a whole register on one date (the tests run it over the shipped register on every first of June from 2010
to 2026).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from services.actors.relations.validity import holds
from shared.periods import holds_on
from shared.problems import Conflict, FieldError

SEAT_ROLES = frozenset({"ordinary_member", "substitute", "co_opted"})


def within(outer_from: date | None, outer_to: date | None, start: date | None, end: date | None) -> bool:
    """The period [start, end) lies inside [outer_from, outer_to); an open end reaches beyond any bound."""
    return ((outer_from is None or (start is not None and start >= outer_from))
            and (outer_to is None or (end is not None and end <= outer_to)))


MAX_NAMED = 20  # relations named one by one in a refusal; an organisation at the centre of many has more


def refuse_outlasting(organisation_id: str, end: date, outlasting: Sequence[Any]) -> None:
    """Rule 1 when an organisation closes: its relations that would hold on `end` or later make the closing a
    conflict (409 `outside_existence`), each named with its kind, other end and period, so the caller can close
    them first (on `end` or before). The registry does not close them itself: a relation may be another county's
    record, and ending one is a change of its own, audited as such."""
    if not outlasting:
        return
    errors = [FieldError("body.valid_to", "outside_existence",
                         f"Relation '{r.id}' ({r.subject_id} {r.kind} {r.object_id}, "
                         f"{r.valid_from or 'before our records'} until {r.valid_to or 'further notice'}) would "
                         f"hold after '{organisation_id}' ceases on {end}; close it on {end} or earlier first.")
              for r in outlasting[:MAX_NAMED]]
    more = f" (the first {MAX_NAMED} are listed)" if len(outlasting) > MAX_NAMED else ""
    raise Conflict(f"'{organisation_id}' cannot close on {end}: {len(outlasting)} of its relations would outlast "
                   f"it{more}; a relation holds only while both its organisations exist.",
                   errors=errors, relations=[r.id for r in outlasting])


def violations_on(on: date, organisations: Mapping[str, tuple[date | None, date | None, str]],
                  relations: Iterable[Any], posts: Iterable[Any]) -> list[str]:
    """Every broken rule on the date. `organisations`: id -> (valid_from, valid_to, kind); relations and posts:
    objects with the registry's attribute names (kind, subject_id, object_id, unit_id, joint, valid_from,
    valid_to; organisation_id, on_behalf_of_id, role)."""
    def exists(org_id: str | None) -> bool:
        if org_id is None or org_id not in organisations:
            return True
        start, end, _ = organisations[org_id]
        return holds_on(start, end, on)

    found: list[str] = []
    holding = [r for r in relations if holds_on(r.valid_from, r.valid_to, on)]
    hosts: dict[str, list[Any]] = defaultdict(list)
    members: dict[str, set[str]] = defaultdict(set)
    for r in holding:
        ends = [r.subject_id, getattr(r, "unit_id", None)]
        if r.kind != "successor_of":
            ends.append(r.object_id)
        found += [f"{on}: {r.id} ({r.kind}) holds while {e} does not exist" for e in ends if not exists(e)]
        if r.kind == "hosts" and organisations.get(r.object_id, (None, None, ""))[2] == "rss" and holds(r, on):
            hosts[r.object_id].append(r)
        if r.kind == "member_of":
            members[r.object_id].add(r.subject_id)
    for rss, rels in hosts.items():
        if len(rels) > 1 and not all(r.joint for r in rels):
            found.append(f"{on}: {rss} has {len(rels)} hosts and not all are joint: {sorted(r.id for r in rels)}")
    with_members = {r.object_id for r in relations if r.kind == "member_of"}
    for p in posts:
        if p.role not in SEAT_ROLES or p.on_behalf_of_id is None or p.organisation_id not in with_members:
            continue
        if holds_on(p.valid_from, p.valid_to, on) and exists(p.organisation_id) \
                and p.on_behalf_of_id not in members[p.organisation_id]:
            found.append(f"{on}: seat {p.id} is held on behalf of {p.on_behalf_of_id}, not a member of "
                         f"{p.organisation_id} then")
    return found
