"""The signed identity between gateway and services."""

import asyncio
import time

import pytest

from gateway.api_keys import ApiKeyStore
from gateway.identity import IdentityIssuer
from shared.identity import TOKEN_LIFETIME_SECONDS, IdentityVerifier, Principal, Role, sign_identity
from shared.problems import ServiceUnavailable, Unauthenticated

SECRET = "a-test-secret-that-is-long-enough-for-production"


def test_a_signed_identity_verifies_to_the_same_principal():
    principal = Principal(subject="county-20-dalarna", role=Role.COUNTY, county_code="20", expires_at=2_000_000_000,
                          audience="actors")
    verifier = IdentityVerifier(SECRET, audience="actors")
    assert verifier.verify(sign_identity(principal, SECRET), now=1_900_000_000) == principal


def test_only_county_systems_and_administrators_write():
    writers = {role for role in Role if Principal(subject="s", role=role, county_code="20").may_write}
    assert writers == {Role.COUNTY, Role.NATIONAL_ADMIN}


@pytest.mark.parametrize("token", ["", "v1.only-two", "v2.e30.sig", "v1.e30.not-the-signature",
                                   "v1.e30.sïgnatur-utanför-ascii", "v1.e30.\u00ff\u00fe"])
def test_malformed_or_unsigned_tokens_are_refused(token):
    with pytest.raises(Unauthenticated):
        IdentityVerifier(SECRET, audience="actors").verify(token)


def test_an_expired_token_is_refused_even_after_it_was_accepted_once():
    """A good signature past its lifetime is a request that waited too long on its way (a queue behind a
    stopped replica): refused as 503, to be sent again, never as the caller's bad credentials."""
    verifier = IdentityVerifier(SECRET, audience="actors")
    token = sign_identity(Principal(subject="s", role=Role.DASHBOARD, expires_at=1_000, audience="actors"), SECRET)
    verifier.verify(token, now=999)
    with pytest.raises(ServiceUnavailable, match="waited too long") as refused:
        verifier.verify(token, now=1_001)
    assert refused.value.status == 503 and refused.value.headers == {"Retry-After": "1"}


def test_a_token_minted_for_one_service_is_refused_by_another():
    token = sign_identity(Principal(subject="s", role=Role.NATIONAL_ADMIN, expires_at=2_000, audience="actors"),
                          SECRET)
    IdentityVerifier(SECRET, audience="actors").verify(token, now=1_000)
    with pytest.raises(Unauthenticated, match="minted for 'actors', not for 'funding'"):
        IdentityVerifier(SECRET, audience="funding").verify(token, now=1_000)


def test_a_token_without_audience_is_refused():
    token = sign_identity(Principal(subject="s", role=Role.NATIONAL_ADMIN, expires_at=2_000), SECRET)
    with pytest.raises(Unauthenticated, match="no audience"):
        IdentityVerifier(SECRET, audience="actors").verify(token, now=1_000)


def test_the_gateway_mints_a_short_lived_token_per_service_and_reuses_it():
    issuer = IdentityIssuer(ApiKeyStore([]), SECRET)
    now = time.time()
    actors, actors_token = asyncio.run(issuer.authenticate(None, "actors"))
    funding, funding_token = asyncio.run(issuer.authenticate(None, "funding"))

    assert (actors.audience, funding.audience) == ("actors", "funding")
    assert actors_token != funding_token
    assert asyncio.run(issuer.authenticate(None, "actors"))[1] == actors_token  # signing stays off the hot path
    verified = IdentityVerifier(SECRET, audience="funding").verify(funding_token)
    assert verified == funding
    assert TOKEN_LIFETIME_SECONDS <= 30
    assert now + TOKEN_LIFETIME_SECONDS - 1 <= funding.expires_at <= now + TOKEN_LIFETIME_SECONDS + 1
