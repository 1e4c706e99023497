"""Signed deliveries by the Standard Webhooks scheme: the receiver checks `webhook-signature` (HMAC-SHA256 over
`<webhook-id>.<webhook-timestamp>.<body>`, keyed by the shared secret) with any Standard Webhooks library, and
rejects a timestamp more than five minutes from its own clock (replays)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timezone
from math import floor

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A new shared secret to give the receiver: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signed_headers(secret: str, message_id: str, body: bytes, *, at: datetime | None = None) -> dict[str, str]:
    """The three headers that sign `body` as message `message_id` sent at `at` (now by default). The same
    message id on every attempt of a delivery lets the receiver drop a duplicate."""
    moment = at or datetime.now(timezone.utc)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(floor(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }
