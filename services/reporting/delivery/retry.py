"""When to try a delivery again, and after how long.

`should_retry`: a timeout or a connection that failed (no status), a 5xx, 408 and 429 are worth another attempt;
any other 4xx means the request itself is refused and is never retried, nor is a redirect (not followed: the
endpoint is set wrong).

`next_delay`: exponential backoff with full jitter, a random delay between 0 and `base · 2^(attempt−1)`, capped at
`cap`, so many deliveries failing at once do not return together; when the receiver said when to come back
(Retry-After), that wait is used instead, also at most `cap`.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Final

BASE_DELAY: Final = 30.0  # seconds: the first retry comes within half a minute
MAX_DELAY: Final = 6 * 3600.0  # never more than six hours between two attempts
RETRIED_CLIENT_ERRORS: Final = frozenset({408, 429})
_MAX_DOUBLINGS: Final = 62  # beyond this every delay is the cap anyway; keeps 2^n finite


def should_retry(status_code: int | None) -> bool:
    """Whether an attempt that ended with `status_code` (None: timed out or no connection) is worth another."""
    if status_code is None:
        return True
    return status_code >= 500 or status_code in RETRIED_CLIENT_ERRORS


def next_delay(attempt: int, retry_after: float | None = None, *, base: float = BASE_DELAY,
               cap: float = MAX_DELAY, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (from 1) before the next one."""
    if attempt < 1:
        raise ValueError(f"attempts are counted from 1, not {attempt}")
    if base < 0 or cap < 0:
        raise ValueError("base and cap are seconds, not negative")
    if retry_after is not None:
        return min(max(retry_after, 0.0), cap)
    ceiling = min(cap, base * 2 ** min(attempt - 1, _MAX_DOUBLINGS))
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT",
    0 when already past); None when absent or not in either form."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return max((moment - now).total_seconds(), 0.0)
