"""The signed identity between gateway and services."""

import time

import pytest

from gateway.api_keys import ApiKeyStore
from gateway.identity import IdentityIssuer
from shared.identity import TOKEN_LIFETIME_SECONDS, IdentityVerifier, Principal, Role, sign_identity
from shared.problems import Unauthenticated

SECRET = "a-test-secret-that-is-long-enough-for-production"


def test_a_signed_identity_verifies_to_the_same_principal():
    principal = Principal(subject="county-20-dalarna", role=Role.COUNTY, county_code="20", expires_at=2_000_000_000,
                          audience="actors")
    verifier = IdentityVerifier(SECRET, audience="actors")
    assert verifier.verify(sign_identity(principal, SECRET), now=1_900_000_000) == principal


def test_a_county_system_writes_only_in_its_own_county():
    county = Principal(subject="c", role=Role.COUNTY, county_code="20")
    admin = Principal(subject="a", role=Role.NATIONAL_ADMIN)
    dashboard = Principal(subject="d", role=Role.DASHBOARD)

    assert county.may_write_county("20") and not county.may_write_county("01")
    assert admin.may_write_county("01")
    assert not dashboard.may_write and not dashboard.may_write_county("20")


@pytest.mark.parametrize("token", ["", "v1.only-two", "v2.e30.sig", "v1.e30.not-the-signature"])
def test_malformed_or_unsigned_tokens_are_refused(token):
    with pytest.raises(Unauthenticated):
        IdentityVerifier(SECRET, audience="actors").verify(token)


def test_an_expired_token_is_refused_even_after_it_was_accepted_once():
    verifier = IdentityVerifier(SECRET, audience="actors")
    token = sign_identity(Principal(subject="s", role=Role.DASHBOARD, expires_at=1_000, audience="actors"), SECRET)
    verifier.verify(token, now=999)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token, now=1_001)


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
    actors, actors_token = issuer.authenticate(None, "actors")
    funding, funding_token = issuer.authenticate(None, "funding")

    assert (actors.audience, funding.audience) == ("actors", "funding")
    assert actors_token != funding_token
    assert issuer.authenticate(None, "actors")[1] == actors_token  # signing stays off the hot path
    verified = IdentityVerifier(SECRET, audience="funding").verify(funding_token)
    assert verified == funding
    assert TOKEN_LIFETIME_SECONDS <= 30
    assert now + TOKEN_LIFETIME_SECONDS - 1 <= funding.expires_at <= now + TOKEN_LIFETIME_SECONDS + 1
