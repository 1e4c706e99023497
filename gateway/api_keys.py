"""API keys: the gateway's way of knowing who calls.

A key is shown once, when it is made (or rotated); the gateway stores only its SHA-256. Keys are records in the
gateway's own key store (gateway/keys/: a database, `GATEWAY_KEYS_DATABASE_URL`), made, rotated and revoked by
national administrators through `/keys`. Send a key as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

A keys file (`GATEWAY_API_KEYS_FILE`, JSON: a list of ``{"key_id", "subject", "role", "county_code",
"sha256"}``, optionally with ``"label"``) is an import source: `python -m gateway setup` adds the keys it names
to the store (deploy/make_api_keys.py and the development stack write one).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from shared.identity import Role


@dataclass(frozen=True)
class ApiKeyRecord:
    """What the hot path needs of a key: who it is, and from when it no longer works (`revoked_at`, seconds
    since the epoch; a moment in the future is a rotated key's grace period)."""

    key_id: str
    subject: str
    role: Role
    county_code: str | None
    sha256: str
    revoked_at: float | None = None

    def valid_at(self, now: float) -> bool:
        return self.revoked_at is None or self.revoked_at > now


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyStore:
    """Keys held in memory (a fixed set, e.g. for tests of the identity issuer); the gateway itself looks keys
    up in its key store (gateway/keys/store.py), which answers the same `find`."""

    def __init__(self, records: list[ApiKeyRecord]) -> None:
        self._by_hash = {r.sha256: r for r in records}

    async def find(self, key: str) -> ApiKeyRecord | None:
        record = self._by_hash.get(hash_key(key))
        return record if record is not None and record.valid_at(time.time()) else None


def read_keys_file(path: str | Path) -> list[dict[str, object]]:
    """The entries of a keys file (nothing when there is no file)."""
    path = Path(path)
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


# Development principals: one of each kind, so every role can be tried on day one.
DEVELOPMENT_PRINCIPALS = [
    ("county-20", "county-20-dalarna", Role.COUNTY, "20"),
    ("county-01", "county-01-stockholm", Role.COUNTY, "01"),
    ("skr-admin", "skr-national-admin", Role.NATIONAL_ADMIN, None),
    ("dashboard", "national-dashboard", Role.DASHBOARD, None),
    # A respondent: Falun municipality answering surveys for itself and nothing else (county 20).
    ("municipality-2080", "organisation:2080", Role.RESPONDENT, "20"),
]
# Each service's own key, for the questions it asks the platform through the gateway (funding reads the actor
# registry, reporting reads all three others): a read-only principal, the dashboard's role, under a subject that
# names the service.
SERVICE_KEY_PREFIX = "service-"
SERVICE_PRINCIPALS = [(f"{SERVICE_KEY_PREFIX}{name}", f"{SERVICE_KEY_PREFIX}{name}", Role.DASHBOARD, None)
                      for name in ("actors", "funding", "surveys", "reporting", "dashboard")]


# What the development keys are for, as `rss keys list` shows them.
DEVELOPMENT_LABELS = {
    "county-20": "Region Dalarna, county system (development)",
    "county-01": "Region Stockholm, county system (development)",
    "skr-admin": "SKR, national administrator (development)",
    "dashboard": "National dashboard, read-only (development)",
    "municipality-2080": "Falu kommun, survey respondent (development)",
}


def new_key(key_id: str) -> str:
    return f"rss_{key_id.replace('-', '')}_{secrets.token_urlsafe(24)}"


def write_development_keys(keys_file: Path, plaintext_file: Path) -> dict[str, str]:
    """Creates the development keys once; later runs read them back so the printed keys stay valid (a principal
    added since is given its key then). `keys_file` holds their hashes, for `python -m gateway setup` to import
    into the key store."""
    keys: dict[str, str] = {}
    records: list[dict[str, object]] = []
    if plaintext_file.exists() and keys_file.exists():
        keys = json.loads(plaintext_file.read_text(encoding="utf-8"))
        records = json.loads(keys_file.read_text(encoding="utf-8"))
    missing = [p for p in DEVELOPMENT_PRINCIPALS + SERVICE_PRINCIPALS if p[0] not in keys]
    if not missing:
        return keys
    for key_id, subject, role, county in missing:
        key = new_key(key_id)
        keys[key_id] = key
        records.append({"key_id": key_id, "subject": subject, "role": role.value, "county_code": county,
                        "sha256": hash_key(key),
                        "label": DEVELOPMENT_LABELS.get(key_id, f"The {subject.removeprefix(SERVICE_KEY_PREFIX)} "
                                                                "service's own key")})
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(records, indent=2), encoding="utf-8")
    plaintext_file.write_text(json.dumps(keys, indent=2), encoding="utf-8")
    os.chmod(plaintext_file, 0o600)
    return keys
