"""The signed identity between gateway and services."""

import pytest

from shared.identity import IdentityVerifier, Principal, Role, sign_identity
from shared.problems import Unauthenticated

SECRET = "a-test-secret-that-is-long-enough-for-production"


def test_a_signed_identity_verifies_to_the_same_principal():
    principal = Principal(subject="county-20-dalarna", role=Role.COUNTY, county_code="20", expires_at=2_000_000_000)
    assert IdentityVerifier(SECRET).verify(sign_identity(principal, SECRET), now=1_900_000_000) == principal


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
        IdentityVerifier(SECRET).verify(token)


def test_an_expired_token_is_refused_even_after_it_was_accepted_once():
    verifier = IdentityVerifier(SECRET)
    token = sign_identity(Principal(subject="s", role=Role.DASHBOARD, expires_at=1_000), SECRET)
    verifier.verify(token, now=999)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token, now=1_001)
