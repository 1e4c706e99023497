"""Turns a request's credentials into the signed identity the services accept."""

from __future__ import annotations

import time
from typing import Protocol

from gateway.api_keys import ApiKeyRecord
from shared.identity import TOKEN_LIFETIME_SECONDS, Principal, Role, sign_identity

# A token is re-used until this many seconds before it expires, so signing stays off the hot path while a
# token still has time to cross to the service and be verified there.
TOKEN_REFRESH_MARGIN_SECONDS = 10

ANONYMOUS_SUBJECT = "anonymous"


class InvalidApiKey(Exception):
    pass


class KeyLookup(Protocol):
    async def find(self, key: str) -> ApiKeyRecord | None: ...


class IdentityIssuer:
    """Authenticates keys and signs identities for one service at a time, re-using a signed token per key and
    service until it nears expiry. Whether a key works is asked of the key store on every request (its cache
    answers within a second of a revocation); only the signing is re-used."""

    def __init__(self, keys: KeyLookup, secret: str) -> None:
        self.keys = keys
        self.secret = secret
        # audience -> key id ("" for no key) -> (re-sign after, token, principal)
        self._tokens: dict[str, dict[str, tuple[float, str, Principal]]] = {}

    async def principal_for(self, api_key: str | None) -> tuple[str, Role, str | None]:
        """(subject, role, county code) of a key, the anonymous identity for no key; InvalidApiKey for a wrong,
        unknown or revoked one."""
        if not api_key:
            return ANONYMOUS_SUBJECT, Role.ANONYMOUS, None
        record = await self.keys.find(api_key)
        if record is None:
            raise InvalidApiKey()
        return record.subject, record.role, record.county_code

    async def authenticate(self, api_key: str | None, audience: str) -> tuple[Principal, str]:
        """(principal, token minted for `audience`) for a key; InvalidApiKey for a wrong one."""
        if api_key:
            record = await self.keys.find(api_key)
            if record is None:
                raise InvalidApiKey()
            return self._token(audience, record.key_id, record.subject, record.role, record.county_code)
        return self._token(audience, "", ANONYMOUS_SUBJECT, Role.ANONYMOUS, None)

    def _token(self, audience: str, key_id: str, subject: str, role: Role,
               county: str | None) -> tuple[Principal, str]:
        now = time.time()
        tokens = self._tokens.get(audience)
        if tokens is None:
            tokens = self._tokens[audience] = {}
        cached = tokens.get(key_id)
        if cached is not None and cached[0] > now:
            return cached[2], cached[1]
        principal = Principal(subject=subject, role=role, county_code=county,
                              expires_at=int(now) + TOKEN_LIFETIME_SECONDS, audience=audience)
        token = sign_identity(principal, self.secret)
        if len(tokens) > 10_000:
            tokens.clear()
        tokens[key_id] = (now + TOKEN_LIFETIME_SECONDS - TOKEN_REFRESH_MARGIN_SECONDS, token, principal)
        return principal, token


def api_key_from_headers(api_key_header: bytes | None, authorization: bytes | None) -> str | None:
    if api_key_header:
        return api_key_header.decode("latin-1").strip()
    if authorization:
        scheme, _, value = authorization.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None
