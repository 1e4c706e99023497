"""One attempt at delivering a report to the receiver's endpoint: a signed POST, its outcome, nothing stored.

The body goes as `application/json` with the Standard Webhooks headers (signing.py); the same message id on every
attempt of one delivery. Redirects are not followed: the endpoint is the final address, and a redirect is a
failure that says where it pointed. The answer's body is not read. The whole attempt, connection to status line,
is bounded by `timeout`. The outcome says whether the report was delivered, whether another attempt is worth it
(retry.py), and why, in a short English sentence for the delivery's attempt list.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from services.reporting.delivery.retry import parse_retry_after, should_retry
from services.reporting.delivery.signing import signed_headers

USER_AGENT = "rss-platform-reporting"


@dataclass(frozen=True)
class AttemptOutcome:
    delivered: bool
    retry: bool
    status_code: int | None
    reason: str
    retry_after: float | None


async def send_once(client: httpx.AsyncClient, url: str, secret: str, message_id: str, body: bytes, *,
                    timeout: float = 10.0) -> AttemptOutcome:
    """POSTs `body` to `url` once, signed with `secret` as message `message_id`."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               **signed_headers(secret, message_id, body)}
    try:
        async with asyncio.timeout(timeout):
            request = client.build_request("POST", url, content=body, headers=headers,
                                           timeout=httpx.Timeout(timeout))
            response = await client.send(request, follow_redirects=False, stream=True)
            await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        return AttemptOutcome(False, True, None, f"no answer within {timeout:g} s (timeout)", None)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        return AttemptOutcome(False, False, None, "the endpoint is not an http(s) URL", None)
    except httpx.TransportError as error:
        return AttemptOutcome(False, True, None, f"connection failed ({type(error).__name__})", None)
    return _outcome(response)


def _outcome(response: httpx.Response) -> AttemptOutcome:
    status = response.status_code
    if 200 <= status < 300:
        return AttemptOutcome(True, False, status, f"delivered (HTTP {status})", None)
    if 300 <= status < 400:
        location = response.headers.get("location")
        where = f" to {location[:200]}" if location else ""
        return AttemptOutcome(False, False, status,
                              f"HTTP {status} from the receiver: redirect{where} not followed", None)
    retry = should_retry(status)
    retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(timezone.utc))
    if retry:
        return AttemptOutcome(False, True, status, f"HTTP {status} from the receiver", retry_after)
    return AttemptOutcome(False, False, status, f"HTTP {status} from the receiver: refused, not retried", None)
