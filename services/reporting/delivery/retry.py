"""STAND-IN for the backoff policy (replaced at merge): doubling from 30 seconds, at most six hours, or what the
receiver's Retry-After asks when it asks for longer."""

from __future__ import annotations


def next_delay(attempt: int, retry_after: float | None) -> float:
    delay = min(30.0 * 2 ** max(attempt - 1, 0), 6 * 3600.0)
    return max(delay, retry_after or 0.0)
