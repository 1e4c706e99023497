"""Rate limits at the gateway: a request budget per caller, and a stricter one for wrong API keys per address.

Budgets are fixed windows counted with the `limits` library: one counter increment per request (in this process
with ``memory://``, or in Redis with ``redis://…`` so that every gateway replica spends from the same budget).
Answers carry the budget as the IETF httpapi ratelimit-headers draft (draft-ietf-httpapi-ratelimit-headers-11)
writes it::

    RateLimit-Policy: "county";q=1200;w=60
    RateLimit: "county";r=1187;t=42

and a refused request gets 429 with ``Retry-After``. Which budget a request spends from:

- a valid API key: the key's caller, under the limit of its role (county, national_admin, dashboard);
- a service's own key: the service, under the service limit, counted for each caller the service calls on behalf
  of (X-RSS-On-Behalf-Of) apart, so that one caller's traffic through a service cannot spend what its calls for
  the others need;
- no key: the client address, under the anonymous limit;
- a wrong key: the client address, under the failed-authentication limit. Once that is spent, every request
  from the address that carries a key is refused before the key is looked at, until the window ends, so that
  guessing keys goes no faster than the limit allows (a service's own key excepted: gateway/app.py).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cached_property

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.responses import Response

from gateway.settings import GatewaySettings
from shared.identity import Role
from shared.logging import get_logger
from shared.problems import Problem, problem_response

FAILED_AUTH_POLICY = "failed-auth"
SERVICE_POLICY = "service"
_MAX_TRACKED = 100_000  # windows and blocked addresses remembered locally before the memory is reset
_STORAGE_WARNING_EVERY_SECONDS = 10.0


@dataclass(frozen=True)
class Policy:
    """One named budget: `limit` requests per `window` seconds."""

    name: str
    item: RateLimitItem

    @property
    def limit(self) -> int:
        return self.item.amount

    @property
    def window(self) -> int:
        return self.item.get_expiry()

    @cached_property
    def policy_header(self) -> tuple[bytes, bytes]:
        return b"ratelimit-policy", f'"{self.name}";q={self.limit};w={self.window}'.encode()

    def budget_header(self, remaining: int, reset: int) -> tuple[bytes, bytes]:
        return b"ratelimit", f'"{self.name}";r={remaining};t={reset}'.encode()


@dataclass(frozen=True)
class Verdict:
    """What a request's budget says: whether it may pass, the headers that tell the caller, and (when refused)
    how many seconds to wait."""

    policy: Policy
    allowed: bool
    headers: list[tuple[bytes, bytes]]
    retry_after: int

    @property
    def refusal_detail(self) -> str:
        if self.policy.name == FAILED_AUTH_POLICY:
            return (f"Too many requests with a wrong API key from this address (at most {self.policy.limit} in "
                    f"{self.policy.window} s); try again in {self.retry_after} s.")
        return (f"The '{self.policy.name}' budget of {self.policy.limit} requests in {self.policy.window} s is "
                f"spent; try again in {self.retry_after} s.")


class RateLimits:
    def __init__(self, settings: GatewaySettings) -> None:
        self.enabled = settings.rate_limit_enabled
        uri = settings.rate_limit_storage
        shared = {} if uri.startswith(("memory:", "async+memory:")) else {"key_prefix": settings.rate_limit_key_prefix}
        self.storage = storage_from_string(uri if uri.startswith("async+") else "async+" + uri,
                                           wrap_exceptions=True, **shared)
        self.by_role = {
            Role.COUNTY: Policy("county", parse(settings.rate_limit_county)),
            Role.RESPONDENT: Policy("respondent", parse(settings.rate_limit_county)),  # a county's own member
            Role.NATIONAL_ADMIN: Policy("national_admin", parse(settings.rate_limit_national_admin)),
            Role.DASHBOARD: Policy("dashboard", parse(settings.rate_limit_dashboard)),
            Role.ANONYMOUS: Policy("anonymous", parse(settings.rate_limit_anonymous)),
        }
        self.failed_auth = Policy(FAILED_AUTH_POLICY, parse(settings.rate_limit_failed_auth))
        self.service = Policy(SERVICE_POLICY, parse(settings.rate_limit_service))
        self._window_ends: dict[str, float] = {}  # counter key -> when its current window ends
        self._blocked: dict[str, float] = {}  # address -> until when its key attempts are refused
        self._log = get_logger("gateway.rate_limits")
        self._warned_at = 0.0

    async def spend(self, role: Role, caller: str, address: str) -> Verdict | None:
        """One request from a caller whose key was valid (or absent: anonymous, counted by address)."""
        return await self._spend(self.by_role[role], address if role is Role.ANONYMOUS else caller)

    async def spend_service(self, service: str, on_behalf_of: str | None) -> Verdict | None:
        """One call with a service's own key: from the service's budget for the caller it calls on behalf of, or
        from the service's own budget when it names none."""
        return await self._spend(self.service, f"{service} for {on_behalf_of}" if on_behalf_of else service)

    def refuse_key_attempt(self, address: str) -> Verdict | None:
        """A refusal when this address has spent its failed-authentication budget; None otherwise. Costs one dict
        lookup: the block is remembered in the process that saw the budget run out."""
        until = self._blocked.get(address)
        if until is None:
            return None
        now = time.time()
        if until <= now:
            del self._blocked[address]
            return None
        wait = math.ceil(until - now)
        policy = self.failed_auth
        return Verdict(policy, False, [policy.policy_header, policy.budget_header(0, wait)], wait)

    async def failed_authentication(self, address: str) -> Verdict | None:
        """Counts a wrong key from an address; refused (and the address blocked) once the budget is spent."""
        verdict = await self._spend(self.failed_auth, address)
        if verdict is not None and not verdict.allowed:
            if len(self._blocked) > _MAX_TRACKED:
                self._blocked.clear()
            self._blocked[address] = time.time() + verdict.retry_after
        return verdict

    async def _spend(self, policy: Policy, identifier: str) -> Verdict | None:
        """One increment of the budget's counter; None (the request passes) when the storage cannot be reached."""
        if not self.enabled:
            return None
        key = policy.item.key_for(policy.name, identifier)
        now = time.time()
        try:
            count = await self.storage.incr(key, policy.window)
            ends = self._window_ends.get(key)
            if count == 1:  # this request opened the window
                ends = now + policy.window
            elif ends is None or ends <= now:  # opened elsewhere (another replica) or before a restart
                ends = await self.storage.get_expiry(key)
        except StorageError as exc:
            if now - self._warned_at > _STORAGE_WARNING_EVERY_SECONDS:
                self._warned_at = now
                self._log.warning("rate_limit_storage_unavailable", error=str(exc.storage_error))
            return None
        if len(self._window_ends) > _MAX_TRACKED:
            self._window_ends.clear()
        self._window_ends[key] = ends
        reset = max(1, math.ceil(ends - now))
        headers = [policy.policy_header, policy.budget_header(max(0, policy.limit - count), reset)]
        return Verdict(policy, count <= policy.limit, headers, reset)

    async def check(self) -> bool:
        return bool(await self.storage.check())


def refusal_response(verdict: Verdict) -> Response:
    """The 429 problem+json for a spent budget, with the budget's headers and `Retry-After`."""
    headers = {name.decode(): value.decode() for name, value in verdict.headers}
    headers["retry-after"] = str(verdict.retry_after)
    return problem_response(Problem(status=429, detail=verdict.refusal_detail, slug="rate-limited",
                                    extra={"policy": verdict.policy.name}), headers=headers)
