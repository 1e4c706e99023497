"""The one place a key's record becomes an answer: never its secret's hash; the secret itself only in the answer
that made it (`key_created`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.keys.models import ApiKey, KeyAuditEvent
from gateway.keys.schemas import KeyCreated, KeyEventOut, KeyOut
from shared.records import aware


def is_active(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None or aware(key.revoked_at) > now


def _fields(key: ApiKey, now: datetime) -> dict[str, Any]:
    return {"key_id": key.key_id, "label": key.label, "role": key.role, "county_code": key.county_code,
            "organisation_id": key.organisation_id, "subject": key.subject, "active": is_active(key, now),
            "created_at": key.created_at, "created_by": key.created_by, "last_used_at": key.last_used_at,
            "revoked_at": key.revoked_at, "revoked_by": key.revoked_by, "rotated_from": key.rotated_from}


def key_out(key: ApiKey, now: datetime) -> KeyOut:
    return KeyOut(**_fields(key, now))


def key_created(key: ApiKey, secret: str, now: datetime) -> KeyCreated:
    return KeyCreated(**_fields(key, now), secret=secret)


def audit_snapshot(key: ApiKey) -> dict[str, Any]:
    """A key as its audit events keep it: what it is and whether it works, never its hash."""
    return {"key_id": key.key_id, "label": key.label, "role": key.role, "county_code": key.county_code,
            "organisation_id": key.organisation_id, "subject": key.subject, "rotated_from": key.rotated_from,
            "revoked_at": aware(key.revoked_at).isoformat() if key.revoked_at else None}


def events_out(events: Sequence[KeyAuditEvent]) -> list[KeyEventOut]:
    return [KeyEventOut(id=e.id, at=e.at, actor=e.actor, action=e.action, key_id=e.entity_id,  # type: ignore[arg-type]
                        before=e.before, after=e.after, request_id=e.request_id) for e in events]
