"""Turns a request's credentials into the signed identity the services accept."""

from __future__ import annotations

import time

from gateway.api_keys import ApiKeyStore
from shared.identity import Principal, Role, sign_identity

TOKEN_LIFETIME_SECONDS = 300
TOKEN_REFRESH_MARGIN_SECONDS = 60

ANONYMOUS_SUBJECT = "anonymous"


class InvalidApiKey(Exception):
    pass


class IdentityIssuer:
    """Authenticates keys and signs identities, re-using a signed token until it nears expiry."""

    def __init__(self, keys: ApiKeyStore, secret: str) -> None:
        self.keys = keys
        self.secret = secret
        self._tokens: dict[str, tuple[float, str, Principal]] = {}

    def authenticate(self, api_key: str | None) -> tuple[Principal, str]:
        """(principal, token) for a key, the anonymous identity for no key; InvalidApiKey for a wrong one."""
        now = time.time()
        cache_key = api_key or ""
        cached = self._tokens.get(cache_key)
        if cached is not None and cached[0] > now:
            return cached[2], cached[1]
        if api_key:
            record = self.keys.find(api_key)
            if record is None:
                raise InvalidApiKey()
            subject, role, county = record.subject, record.role, record.county_code
        else:
            subject, role, county = ANONYMOUS_SUBJECT, Role.ANONYMOUS, None
        principal = Principal(subject=subject, role=role, county_code=county,
                              expires_at=int(now) + TOKEN_LIFETIME_SECONDS)
        token = sign_identity(principal, self.secret)
        if len(self._tokens) > 10_000:  # a flood of wrong keys never lands here; only valid ones are cached
            self._tokens.clear()
        self._tokens[cache_key] = (now + TOKEN_LIFETIME_SECONDS - TOKEN_REFRESH_MARGIN_SECONDS, token, principal)
        return principal, token


def api_key_from_headers(api_key_header: bytes | None, authorization: bytes | None) -> str | None:
    if api_key_header:
        return api_key_header.decode("latin-1").strip()
    if authorization:
        scheme, _, value = authorization.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None
