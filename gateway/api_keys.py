"""API keys: the gateway's way of knowing who calls.

A key is shown once, when it is made; the gateway stores only its SHA-256. The key file is JSON, a list of
``{"key_id", "subject", "role", "county_code", "sha256"}``. Send a key as ``X-API-Key: <key>`` or
``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from shared.identity import Role


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    subject: str
    role: Role
    county_code: str | None
    sha256: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyStore:
    def __init__(self, records: list[ApiKeyRecord]) -> None:
        self._by_hash = {r.sha256: r for r in records}

    @classmethod
    def from_file(cls, path: str | Path) -> "ApiKeyStore":
        path = Path(path)
        if not path.exists():
            return cls([])
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls([ApiKeyRecord(key_id=r["key_id"], subject=r["subject"], role=Role(r["role"]),
                                 county_code=r.get("county_code"), sha256=r["sha256"]) for r in raw])

    def find(self, key: str) -> ApiKeyRecord | None:
        return self._by_hash.get(hash_key(key))


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
# registry): a read-only principal, the dashboard's role, under a subject that names the service.
SERVICE_KEY_PREFIX = "service-"
SERVICE_PRINCIPALS = [(f"{SERVICE_KEY_PREFIX}{name}", f"{SERVICE_KEY_PREFIX}{name}", Role.DASHBOARD, None)
                      for name in ("actors", "funding", "surveys", "dashboard")]


def new_key(key_id: str) -> str:
    return f"rss_{key_id.replace('-', '')}_{secrets.token_urlsafe(24)}"


def write_development_keys(keys_file: Path, plaintext_file: Path) -> dict[str, str]:
    """Creates the development keys once; later runs read them back so the printed keys stay valid (a principal
    added since is given its key then)."""
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
                        "sha256": hash_key(key)})
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(records, indent=2), encoding="utf-8")
    plaintext_file.write_text(json.dumps(keys, indent=2), encoding="utf-8")
    os.chmod(plaintext_file, 0o600)
    return keys
