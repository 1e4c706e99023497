"""The hash chain and its anchors.

Each entry carries a MAC: HMAC-SHA256, under the ledger key it names (`key_id`), over every stored column of the
entry (its surrogate id aside) with the previous entry's MAC among them, so each entry covers the whole chain
before it. The key is the service's, never the database's: rights on the database alone cannot write an entry,
or re-hash a chain, that verifies.

Entries recorded before the ledger was keyed have no key id; their hash is plain sha256 over their canonical form
and the previous hash, verified by that older rule (anyone who can write to the database can recompute it; the
first keyed entry after them covers their head).

A checkpoint is an agreement's head (position and head hash) at a time, with an HMAC under the ledger key: handed
out as a receipt, it lets verify find what the chain alone cannot, a removed tail or a chain rebuilt below it.
Model: RFC 6962's signed tree heads over an append-only log.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from services.funding.ledger.keys import LedgerKeys
from services.funding.ledger.models import LedgerEntry

GENESIS = "0" * 64
CHAINED_FIELDS = ("agreement_id", "position", "entry_type", "reverses", "reversed_type", "entry_date", "amount_ore",
                  "provider", "receiver", "county_code", "document_type", "document_id", "actor", "request_id")
# Every stored column of an entry but its surrogate id and its own MAC; in sorted order, so that the JSON of the
# values read in this order has its keys sorted without a sort per entry.
KEYED_FIELDS = tuple(sorted((*CHAINED_FIELDS, "recorded_at", "previous_hash", "key_id")))
# Domain separation: a MAC made for one kind of message is never valid for the other.
_ENTRY = b"rss-ledger-entry/2\n"
_CHECKPOINT = b"rss-ledger-checkpoint/1\n"


def instant(value: datetime) -> str:
    """A time as the MACs cover it: UTC, microseconds, "Z". SQLite hands a stored time back without its offset
    (it was stored in UTC), PostgreSQL in UTC."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _values(entry: LedgerEntry | Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        return {name: entry[name] for name in fields}
    return {name: getattr(entry, name) for name in fields}


def canonical(entry: LedgerEntry | Mapping[str, Any]) -> bytes:
    """The older format's canonical form: the chained columns, sorted, as JSON."""
    fields = _values(entry, CHAINED_FIELDS)
    fields["entry_date"] = fields["entry_date"].isoformat()
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def legacy_hash(entry: LedgerEntry | Mapping[str, Any], previous_hash: str) -> str:
    """The hash of an entry of the older, unkeyed format."""
    return hashlib.sha256(canonical(entry) + previous_hash.encode()).hexdigest()


def entry_message(entry: LedgerEntry | Mapping[str, Any], recorded_at: str | None = None) -> bytes:
    """What an entry's MAC covers: every column in KEYED_FIELDS, sorted, as JSON. `recorded_at`: the entry's
    time already as `instant` gives it (the same for every entry of one append)."""
    fields = _values(entry, KEYED_FIELDS)
    fields["entry_date"] = fields["entry_date"].isoformat()
    fields["recorded_at"] = recorded_at if recorded_at is not None else instant(fields["recorded_at"])
    return _ENTRY + orjson.dumps(fields)  # keys in KEYED_FIELDS' sorted order


def entry_mac(keys: LedgerKeys, entry: LedgerEntry | Mapping[str, Any], recorded_at: str | None = None) -> str | None:
    """The entry's MAC under the key it names; None when this service does not hold that key."""
    key_id = entry["key_id"] if isinstance(entry, Mapping) else entry.key_id
    return keys.mac(key_id, entry_message(entry, recorded_at))


def checkpoint_message(agreement_id: str, position: int, head_hash: str, signed_at: datetime, key_id: str) -> bytes:
    return _CHECKPOINT + orjson.dumps({"agreement_id": agreement_id, "position": position, "head_hash": head_hash,
                                       "signed_at": instant(signed_at), "key_id": key_id},
                                      option=orjson.OPT_SORT_KEYS)


def sign_checkpoint(keys: LedgerKeys, agreement_id: str, position: int, head_hash: str,
                    signed_at: datetime) -> dict[str, Any]:
    """A checkpoint of the agreement's head, signed with the current key: its fields as a receipt carries them."""
    signature = keys.mac(keys.current, checkpoint_message(agreement_id, position, head_hash, signed_at, keys.current))
    return {"agreement_id": agreement_id, "position": position, "head_hash": head_hash,
            "signed_at": instant(signed_at), "key_id": keys.current, "signature": signature}


def checkpoint_signature(keys: LedgerKeys, agreement_id: str, position: int, head_hash: str, signed_at: datetime,
                         key_id: str) -> str | None:
    """The signature a checkpoint with these fields carries if this service signed it; None for an unknown key."""
    return keys.mac(key_id, checkpoint_message(agreement_id, position, head_hash, signed_at, key_id))


def receipt_token(checkpoint: Mapping[str, Any]) -> str:
    """A checkpoint as one URL- and header-safe token: base64url (unpadded) of its JSON."""
    return base64.urlsafe_b64encode(orjson.dumps(dict(checkpoint), option=orjson.OPT_SORT_KEYS)).rstrip(b"=").decode()


def read_receipt_token(token: str) -> Any:
    """The JSON a receipt token carries; ValueError when it is not one."""
    try:
        return orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, orjson.JSONDecodeError) as exc:
        raise ValueError("not a receipt: base64url of a JSON checkpoint expected") from exc
