"""The hash chain: each entry's hash is sha256 over its canonical form and the previous entry's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

from services.funding.ledger.models import LedgerEntry

GENESIS = "0" * 64
CHAINED_FIELDS = ("agreement_id", "position", "entry_type", "reverses", "reversed_type", "entry_date", "amount_ore",
                  "provider", "receiver", "county_code", "document_type", "document_id", "actor", "request_id")


def canonical(entry: LedgerEntry | Mapping[str, Any]) -> bytes:
    """A stored entry, or the column values of one about to be stored."""
    values = entry if isinstance(entry, Mapping) else {name: getattr(entry, name) for name in CHAINED_FIELDS}
    fields = {name: values[name] for name in CHAINED_FIELDS}
    fields["entry_date"] = values["entry_date"].isoformat()
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def entry_hash(entry: LedgerEntry | Mapping[str, Any], previous_hash: str) -> str:
    return hashlib.sha256(canonical(entry) + previous_hash.encode()).hexdigest()
