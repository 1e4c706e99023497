"""How an audit event is shown: how much of a person a caller sees in its before and after.

National administrators and the dashboard read every event (which events a county system reads is the
service's rule), but personal data in the snapshots is shown only to those who keep the register: names to
national administrators and county systems, e-mail and phone by the people rule
(services.actors.people.presenter.shows_contact_details) applied to each person a snapshot carries — a person's
own, a post's holder, a membership's person — on the county that manages that person, which need not be the
county of the changed record. The dashboard sees who changed what and when, never whose name or contacts were
involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from services.actors.audit.models import AuditEvent
from services.actors.audit.schemas import AuditEventOut
from services.actors.people.presenter import shows_contact_details
from shared.identity import Principal

NAME_FIELDS = ("name", "given_name", "family_name")
CONTACT_FIELDS = ("email", "phone")
PERSON_PARTS = ("person", "holder")  # a membership's person, a post's holder


def people_named(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The ids of the people whose fields the events' snapshots carry: the service reads who manages them."""
    for event in events:
        if event.entity_type == "person":
            yield event.entity_id
        for snapshot in (event.before, event.after):
            for part in PERSON_PARTS:
                if isinstance(snapshot, dict) and isinstance(snapshot.get(part), dict) and \
                        isinstance(snapshot[part].get("id"), str):
                    yield snapshot[part]["id"]


def event_out(event: AuditEvent, caller: Principal, managed_by: Mapping[str, str | None]) -> AuditEventOut:
    """`managed_by`: the managing county of each person in `people_named(event)` (a person not in it is shown
    without contacts to everyone but national administrators)."""
    out = AuditEventOut.model_validate(event)

    def shown(person: dict[str, Any], person_id: Any) -> dict[str, Any]:
        hidden = () if caller.may_write else NAME_FIELDS
        if not shows_contact_details(caller, managed_by.get(person_id) if isinstance(person_id, str) else None):
            hidden = (*hidden, *CONTACT_FIELDS)
        return {k: v for k, v in person.items() if k not in hidden}

    def snapshot_out(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
        if snapshot is None:
            return None
        kept = shown(snapshot, event.entity_id) if event.entity_type == "person" else dict(snapshot)
        for part in PERSON_PARTS:
            if isinstance(kept.get(part), dict):
                kept[part] = shown(kept[part], kept[part].get("id"))
        return kept

    return out.model_copy(update={"before": snapshot_out(out.before), "after": snapshot_out(out.after)})
