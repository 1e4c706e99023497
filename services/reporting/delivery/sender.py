"""STAND-IN for one delivery attempt (replaced at merge): the body POSTed with Standard Webhooks headers, the
answer classified as delivered (2xx), to be retried (408, 429, 5xx, no answer) or failed (any other 4xx)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook


@dataclass(frozen=True)
class AttemptOutcome:
    delivered: bool
    retry: bool
    status_code: int | None
    reason: str
    retry_after: float | None


async def send_once(client: httpx.AsyncClient, url: str, secret: str, message_id: str,
                    body: bytes) -> AttemptOutcome:
    now = datetime.fromtimestamp(int(time.time()), UTC)
    headers = {"content-type": "application/json", "webhook-id": message_id,
               "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign(message_id, now, body)}
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return AttemptOutcome(False, True, None, f"no answer: {type(exc).__name__}", None)
    status = response.status_code
    retry_after = response.headers.get("retry-after")
    after = float(retry_after) if retry_after and retry_after.isdigit() else None
    if 200 <= status < 300:
        return AttemptOutcome(True, False, status, f"answered {status}", None)
    if status in (408, 429) or status >= 500:
        return AttemptOutcome(False, True, status, f"answered {status}", after)
    return AttemptOutcome(False, False, status, f"answered {status}: refused", None)
