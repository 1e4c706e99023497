"""The rules of API keys: who may manage them, what a key may be, rotation and revocation, and the import of a
keys file.

- Only national administrators manage keys (gateway/keys/router.py refuses every other caller).
- A county or respondent key names its county (one of shared/counties.py); a respondent key also names its
  organisation (its subject is then `organisation:<id>`, as the surveys service reads it). Other keys name
  neither.
- A key's secret is made here and shown once; the store keeps its SHA-256.
- Rotation makes a successor with the same label, role, county and subject, and revokes the old key at once or
  at the end of a grace period the administrator gives (at most 7 days), so that a system can move to the new
  key without a moment in which neither works. A revoked key, or one already rotated, is not rotated again.
- Revocation takes effect at once (on every gateway replica within a second: gateway/keys/store.py); revoking a
  revoked key changes nothing and answers the same record.
- Every change is an audit event in the same transaction (shared.audit), naming who made it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.api_keys import hash_key, new_key
from gateway.keys import schemas
from gateway.keys.models import ApiKey, KeyAuditEvent
from gateway.keys.presenter import audit_snapshot, events_out, is_active, key_created, key_out
from gateway.keys.repository import KeyAuditRepository, KeyRepository
from gateway.keys.store import KeyStore
from shared.audit import AuditTrail
from shared.audit_reads import TrailReader
from shared.counties import COUNTY_NAMES
from shared.identity import RESPONDENT_SUBJECT_PREFIX, Principal, Role
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, FieldError, InvalidInput
from shared.records import aware, new_record_id, utcnow
from shared.text import control_character_in

ENTITY = "api_key"
# The actor of keys imported from a keys file by `python -m gateway setup`.
IMPORT_ACTOR = "setup"


def check_terms(data: schemas.KeyIn) -> None:
    """The rules between a new key's fields; 422 naming each field that breaks one."""
    errors: list[FieldError] = []
    if data.role in schemas.ROLES_WITH_COUNTY and data.county_code is None:
        errors.append(FieldError("body.county_code", "required", f"A {data.role} key names its county (SCB code)."))
    if data.role not in schemas.ROLES_WITH_COUNTY and data.county_code is not None:
        errors.append(FieldError("body.county_code", "not_allowed",
                                 f"A {data.role} key belongs to no county; leave county_code out."))
    if data.role == "respondent" and data.organisation_id is None:
        errors.append(FieldError("body.organisation_id", "required",
                                 "A respondent key names the organisation it answers surveys for."))
    if data.role != "respondent" and data.organisation_id is not None:
        errors.append(FieldError("body.organisation_id", "not_allowed",
                                 "Only a respondent key names an organisation; leave organisation_id out."))
    if errors:
        raise InvalidInput("; ".join(e.message for e in errors), errors=errors)


class KeysFileError(ValueError):
    """An entry of a keys file that is not a key; the message names the entry and the field."""


_KEY_ID = re.compile(schemas.KEY_ID_PATTERN)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SUBJECT = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")


def check_entry(number: int, entry: Any) -> None:
    """A keys file's entry is a key the store can hold; KeysFileError naming what is wrong otherwise."""
    def wrong(field: str, rule: str) -> KeysFileError:
        return KeysFileError(f"entry {number}: {field} {rule}")

    if not isinstance(entry, dict):
        raise KeysFileError(f"entry {number} is not an object")
    for field, pattern, rule in (("key_id", _KEY_ID, "must be a-z, 0-9 and '-' (3 to 64 characters)"),
                                 ("sha256", _SHA256, "must be 64 lower-case hex digits (a key's SHA-256)"),
                                 ("subject", _SUBJECT, "must be 1 to 128 letters, digits or ._:@-")):
        if not isinstance(entry.get(field), str) or not pattern.match(entry[field]):
            raise wrong(field, rule)
    if entry.get("role") not in {role.value for role in Role} - {Role.ANONYMOUS.value}:
        raise wrong("role", "must be county, respondent, national_admin or dashboard")
    county = entry.get("county_code")
    if (county is None) != (entry["role"] not in schemas.ROLES_WITH_COUNTY) or (
            county is not None and county not in COUNTY_NAMES):
        raise wrong("county_code", "must be a county's SCB code for county and respondent keys, and absent "
                                   "for others")
    label = entry.get("label")
    if label is not None and (not isinstance(label, str) or not 0 < len(label) <= 200
                              or control_character_in(label) is not None):
        raise wrong("label", "must be 1 to 200 characters on one line")


class KeyService:
    def __init__(self, session: AsyncSession, caller: Principal, store: KeyStore | None = None) -> None:
        self.session = session
        self.caller = caller
        self.store = store
        self.keys = KeyRepository(session)
        self.audit = AuditTrail(session, caller, KeyAuditEvent)

    async def read(self, key_id: str) -> schemas.KeyOut:
        return key_out(await self.keys.get_or_404(key_id), utcnow())

    async def search(self, *, revoked: bool | None, paging: PageRequest) -> Page[schemas.KeyOut]:
        now = utcnow()
        keys, count = await self.keys.page(revoked=revoked, now=now, after=paging.after_key(str),
                                           limit=paging.limit + 1)
        return paging.page([key_out(k, now) for k in keys], count=count, sort_key=lambda k: [k.key_id])

    async def create(self, data: schemas.KeyIn) -> schemas.KeyCreated:
        check_terms(data)
        key_id = new_record_id("key")
        subject = f"{RESPONDENT_SUBJECT_PREFIX}{data.organisation_id}" if data.role == "respondent" else key_id
        secret = new_key(key_id)
        key = self.keys.add(ApiKey(key_id=key_id, sha256=hash_key(secret), subject=subject, label=data.label,
                                   role=data.role, county_code=data.county_code,
                                   organisation_id=data.organisation_id, created_at=utcnow(),
                                   created_by=self.caller.subject))
        await self._changed(key, "create", before=None)
        return key_created(key, secret, utcnow())

    async def rotate(self, key_id: str, grace_seconds: int) -> schemas.KeyCreated:
        old = await self._for_change(key_id)
        now = utcnow()
        if old.revoked_at is not None:
            successor = await self.keys.successor(key_id)
            why = (f"it was rotated already: its successor is '{successor.key_id}'" if successor is not None
                   else "it is revoked")
            raise Conflict.field("path.key_id", "revoked", f"Key '{key_id}' cannot be rotated: {why}. Rotate the "
                                                           "key that works, or make a new one.")
        before = audit_snapshot(old)
        key_id_new = new_record_id("key")
        secret = new_key(key_id_new)
        key = self.keys.add(ApiKey(key_id=key_id_new, sha256=hash_key(secret), subject=old.subject,
                                   label=old.label, role=old.role, county_code=old.county_code,
                                   organisation_id=old.organisation_id, created_at=now,
                                   created_by=self.caller.subject, rotated_from=old.key_id))
        old.revoked_at = now + timedelta(seconds=grace_seconds)
        old.revoked_by = self.caller.subject
        await self._changed(old, "rotate", before=before, replaced_by=key_id_new)
        await self._changed(key, "create", before=None)
        return key_created(key, secret, now)

    async def revoke(self, key_id: str) -> schemas.KeyOut:
        key = await self._for_change(key_id)
        now = utcnow()
        if key.revoked_at is None or aware(key.revoked_at) > now:
            before = audit_snapshot(key)
            key.revoked_at = now
            key.revoked_by = self.caller.subject
            await self._changed(key, "revoke", before=before)
        return key_out(key, now)

    async def import_entries(self, entries: list[Any]) -> dict[str, int]:
        """Adds the keys of a keys file that the store does not hold. A key the file holds under the same id
        with another secret replaces the imported key's secret, as long as that key was imported, still works and
        was never rotated; a key made, rotated or revoked through the API is never changed by a file."""
        counts = {"imported": 0, "replaced": 0, "kept": 0}
        for number, entry in enumerate(entries, start=1):
            check_entry(number, entry)
            key_id, sha256 = entry["key_id"], entry["sha256"]
            role = Role(entry["role"])
            subject = entry["subject"]
            existing = await self.keys.get(key_id)
            if existing is None:
                if await self.keys.by_hash(sha256) is not None:
                    counts["kept"] += 1  # the same secret under another id: never two records of one key
                    continue
                key = self.keys.add(ApiKey(
                    key_id=key_id, sha256=sha256, subject=subject, label=entry.get("label") or subject,
                    role=role.value, county_code=entry.get("county_code"),
                    organisation_id=(subject.removeprefix(RESPONDENT_SUBJECT_PREFIX)
                                     if role is Role.RESPONDENT and subject.startswith(RESPONDENT_SUBJECT_PREFIX)
                                     else None),
                    created_at=utcnow(), created_by=IMPORT_ACTOR))
                await self._changed(key, "import", before=None)
                counts["imported"] += 1
            elif (existing.sha256 != sha256 and existing.created_by == IMPORT_ACTOR
                  and existing.rotated_from is None and is_active(existing, utcnow())
                  and await self.keys.successor(key_id) is None):
                self._forget(existing)
                existing.sha256 = sha256
                await self._changed(existing, "import", before=audit_snapshot(existing), secret="replaced")
                counts["replaced"] += 1
            else:
                counts["kept"] += 1
        return counts

    async def _for_change(self, key_id: str) -> ApiKey:
        return await self.keys.for_change(key_id)

    async def _changed(self, key: ApiKey, action: str, *, before: dict[str, Any] | None, **more: Any) -> None:
        await self.keys.flush()
        self._forget(key)
        self.audit.record(action, ENTITY, key.key_id, county=key.county_code, before=before,
                          after=audit_snapshot(key) | more)

    def _forget(self, key: ApiKey) -> None:
        if self.store is not None:
            self.store.forget(key.sha256)


class KeyAuditService(TrailReader[KeyAuditEvent, schemas.KeyEventOut]):
    """The key store's audit trail, oldest event first."""

    repository_class = KeyAuditRepository

    def present(self, rows):  # type: ignore[no-untyped-def]
        return events_out(rows)
