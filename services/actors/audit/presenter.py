"""How an audit event is shown: how much of a person a caller sees in its before and after.

National administrators and the dashboard read every event (which events a county system reads is the
service's rule), but personal data in the snapshots is shown only to those who keep the register: names to
national administrators and county systems, e-mail and phone by the people rule
(services.actors.people.presenter.shows_contact_details, as a bulk read). The dashboard sees who changed what
and when, never whose name or contacts were involved.
"""

from __future__ import annotations

from typing import Any

from services.actors.audit.models import AuditEvent
from services.actors.audit.schemas import AuditEventOut
from services.actors.people.presenter import shows_contact_details
from shared.identity import Principal

NAME_FIELDS = ("name", "given_name", "family_name")
CONTACT_FIELDS = ("email", "phone")
PERSON_PARTS = ("person", "holder")  # a membership's person, a post's holder


def event_out(event: AuditEvent, caller: Principal) -> AuditEventOut:
    hidden = () if caller.may_write else NAME_FIELDS
    if not shows_contact_details(caller, event.county_code, in_bulk=True):
        hidden = (*hidden, *CONTACT_FIELDS)
    out = AuditEventOut.model_validate(event)
    if not hidden:
        return out
    is_person = event.entity_type == "person"
    return out.model_copy(update={"before": _without(out.before, hidden, is_person),
                                  "after": _without(out.after, hidden, is_person)})


def _without(snapshot: dict[str, Any] | None, hidden: tuple[str, ...], is_person: bool) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    kept = {k: v for k, v in snapshot.items() if k not in hidden} if is_person else dict(snapshot)
    for part in PERSON_PARTS:
        if isinstance(kept.get(part), dict):
            kept[part] = {k: v for k, v in kept[part].items() if k not in hidden}
    return kept
