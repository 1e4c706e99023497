"""The verified identity the gateway forwards to the services.

The gateway authenticates the caller (API key) and sends the result in `X-RSS-Identity` as a signed token:
``v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>``. Services verify the signature and the expiry with the
secret they share with the gateway and refuse requests without a valid token, so a service reached directly,
past the gateway, accepts nothing. A token names the one service it was minted for (``aud``) and lives
``TOKEN_LIFETIME_SECONDS``: a token seen on its way to the actor registry is refused by every other service, and
soon by the registry too. Anonymous callers get a token too (role ``anonymous``) that only public
reference reads accept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import orjson
from fastapi import Depends, Request

from shared.problems import Forbidden, ServiceUnavailable, Unauthenticated

IDENTITY_HEADER = "x-rss-identity"
TOKEN_VERSION = "v1"
TOKEN_LIFETIME_SECONDS = 30


class Role(StrEnum):
    COUNTY = "county"  # a county's own system, scoped to one county code
    NATIONAL_ADMIN = "national_admin"  # SKR: may change everything
    DASHBOARD = "dashboard"  # reads everything, writes nothing
    ANONYMOUS = "anonymous"  # public reference data only
    RESPONDENT = "respondent"  # one organisation answering surveys for itself; its subject names the organisation


RESPONDENT_SUBJECT_PREFIX = "organisation:"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    county_code: str | None = None
    expires_at: int = 0
    audience: str | None = None  # the service the token was minted for: actors, funding, surveys

    @property
    def is_authenticated(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def may_write(self) -> bool:
        return self.role in (Role.COUNTY, Role.NATIONAL_ADMIN)

    @property
    def organisation_id(self) -> str | None:
        """The one organisation a respondent key answers for: its subject is ``organisation:<id>``, so the
        gateway signs it like any other subject. None for every other role."""
        if self.role is Role.RESPONDENT and self.subject.startswith(RESPONDENT_SUBJECT_PREFIX):
            return self.subject.removeprefix(RESPONDENT_SUBJECT_PREFIX) or None
        return None

    def claims(self) -> dict[str, object]:
        claims: dict[str, object] = {"sub": self.subject, "role": self.role.value, "exp": self.expires_at}
        if self.audience:
            claims["aud"] = self.audience
        if self.county_code:
            claims["county"] = self.county_code
        return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), f"{TOKEN_VERSION}.{payload}".encode(), hashlib.sha256).digest())


def sign_identity(principal: Principal, secret: str) -> str:
    payload = _b64(orjson.dumps(principal.claims()))
    return f"{TOKEN_VERSION}.{payload}.{_signature(secret, payload)}"


class IdentityVerifier:
    """Verifies identity tokens minted for one service (`audience`); remembers recent good ones so the hot path
    does one dict lookup."""

    def __init__(self, secret: str, *, audience: str, cache_size: int = 1024) -> None:
        self._secret = secret
        self._audience = audience
        self._cache: dict[str, Principal] = {}
        self._cache_size = cache_size

    def verify(self, token: str | None, *, now: float | None = None) -> Principal:
        if not token:
            raise Unauthenticated("This service only answers requests that come through the gateway "
                                  "(no X-RSS-Identity header).")
        now = time.time() if now is None else now
        principal = self._cache.get(token)
        if principal is None:
            principal = self._decode(token)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[token] = principal
        if principal.expires_at < now:
            # The signature is good: the gateway authenticated the caller, and the request then waited longer
            # than a token lives before it reached this service (a queue behind a stopped or overloaded
            # replica). That is the platform's delay, not the caller's credentials: 503, retry.
            raise ServiceUnavailable("The request waited too long on its way to the service and was not "
                                     "handled; nothing was stored. Send it again.")
        return principal

    def _decode(self, token: str) -> Principal:
        try:
            version, payload, signature = token.split(".")
        except ValueError:
            raise Unauthenticated("The forwarded identity is malformed.") from None
        if (version != TOKEN_VERSION or not signature.isascii()
                or not hmac.compare_digest(signature, _signature(self._secret, payload))):
            raise Unauthenticated("The forwarded identity has an invalid signature.")
        claims = orjson.loads(_unb64(payload))
        audience = claims.get("aud")
        if audience != self._audience:
            raise Unauthenticated(f"The forwarded identity was minted for {audience!r}, not for "
                                  f"{self._audience!r}." if audience else "The forwarded identity names no audience.")
        return Principal(subject=str(claims["sub"]), role=Role(claims["role"]), county_code=claims.get("county"),
                         expires_at=int(claims["exp"]), audience=audience)


def _verifier(request: Request) -> IdentityVerifier:
    return request.app.state.identity_verifier


async def any_caller(request: Request) -> Principal:
    """Anyone who came through the gateway, anonymous included: for public reference data."""
    principal = _verifier(request).verify(request.headers.get(IDENTITY_HEADER))
    request.state.principal = principal
    return principal


async def authenticated_caller(principal: Annotated[Principal, Depends(any_caller)]) -> Principal:
    if not principal.is_authenticated:
        raise Unauthenticated("This resource needs an API key (X-API-Key header).")
    return principal


async def reading_caller(principal: Annotated[Principal, Depends(authenticated_caller)]) -> Principal:
    """A caller who reads the platform's records beyond the public reference data: a county system, a national
    administrator, the dashboard. A respondent key answers its own organisation's surveys (the surveys service
    lets it read what that takes) and otherwise reads what an anonymous caller reads."""
    if principal.role is Role.RESPONDENT:
        raise Forbidden("A respondent key answers its own organisation's surveys and reads the public reference "
                        "data; this resource is neither.")
    return principal


async def writing_caller(principal: Annotated[Principal, Depends(authenticated_caller)]) -> Principal:
    if not principal.may_write:
        raise Forbidden(f"The role '{principal.role.value}' may read but not change data.")
    return principal


AnyCaller = Annotated[Principal, Depends(any_caller)]
Caller = Annotated[Principal, Depends(reading_caller)]
KeyHolder = Annotated[Principal, Depends(authenticated_caller)]  # any API key, a respondent's included
WritingCaller = Annotated[Principal, Depends(writing_caller)]
