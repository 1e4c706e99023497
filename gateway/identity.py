"""Turns a request's credentials into the signed identity the services accept."""

from __future__ import annotations

import time

from gateway.api_keys import ApiKeyStore
from shared.identity import TOKEN_LIFETIME_SECONDS, Principal, Role, sign_identity

# A token is re-used until this many seconds before it expires, so signing stays off the hot path while a
# token still has time to cross to the service and be verified there.
TOKEN_REFRESH_MARGIN_SECONDS = 10

ANONYMOUS_SUBJECT = "anonymous"


class InvalidApiKey(Exception):
    pass


class IdentityIssuer:
    """Authenticates keys and signs identities for one service at a time, re-using a signed token per key and
    service until it nears expiry."""

    def __init__(self, keys: ApiKeyStore, secret: str) -> None:
        self.keys = keys
        self.secret = secret
        # audience -> key -> (re-sign after, token, principal); only valid keys (and no key) are ever cached.
        self._tokens: dict[str, dict[str, tuple[float, str, Principal]]] = {}

    def principal_for(self, api_key: str | None) -> tuple[str, Role, str | None]:
        """(subject, role, county code) of a key, the anonymous identity for no key; InvalidApiKey for a wrong one."""
        if not api_key:
            return ANONYMOUS_SUBJECT, Role.ANONYMOUS, None
        record = self.keys.find(api_key)
        if record is None:
            raise InvalidApiKey()
        return record.subject, record.role, record.county_code

    def authenticate(self, api_key: str | None, audience: str) -> tuple[Principal, str]:
        """(principal, token minted for `audience`) for a key; InvalidApiKey for a wrong one."""
        now = time.time()
        cache_key = api_key or ""
        tokens = self._tokens.get(audience)
        if tokens is None:
            tokens = self._tokens[audience] = {}
        cached = tokens.get(cache_key)
        if cached is not None and cached[0] > now:
            return cached[2], cached[1]
        subject, role, county = self.principal_for(api_key)
        principal = Principal(subject=subject, role=role, county_code=county,
                              expires_at=int(now) + TOKEN_LIFETIME_SECONDS, audience=audience)
        token = sign_identity(principal, self.secret)
        if len(tokens) > 10_000:
            tokens.clear()
        tokens[cache_key] = (now + TOKEN_LIFETIME_SECONDS - TOKEN_REFRESH_MARGIN_SECONDS, token, principal)
        return principal, token


def api_key_from_headers(api_key_header: bytes | None, authorization: bytes | None) -> str | None:
    if api_key_header:
        return api_key_header.decode("latin-1").strip()
    if authorization:
        scheme, _, value = authorization.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None
