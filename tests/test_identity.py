"""Identity: the gateway authenticates, the services accept only what the gateway signed."""

import time

import httpx

from shared.identity import Role
from tests.support import assert_problem, identity_header


def test_each_key_reaches_the_service_as_its_principal(gateway, county_key, admin_key, dashboard_key):
    county = gateway.get("/actors/", headers=county_key).json()
    admin = gateway.get("/funding/", headers=admin_key).json()
    dashboard = gateway.get("/surveys/", headers=dashboard_key).json()
    anonymous = gateway.get("/actors/").json()

    assert (county["role"], county["county_code"]) == ("county", "20")
    assert (admin["role"], admin["county_code"]) == ("national_admin", None)
    assert dashboard["role"] == "dashboard"
    assert anonymous["role"] == "anonymous"


def test_a_key_may_also_come_as_a_bearer_token(gateway, stack):
    response = gateway.get("/actors/", headers={"Authorization": f"Bearer {stack.keys['county-01']}"})
    assert response.json()["county_code"] == "01"


def test_whoami_tells_a_caller_what_the_gateway_makes_of_their_key(gateway, county_key):
    assert gateway.get("/whoami", headers=county_key).json() == \
        {"subject": "county-20-dalarna", "role": "county", "county_code": "20"}
    assert_problem(gateway.get("/whoami", headers={"X-API-Key": "rss_wrong"}), 401)


def test_anonymous_callers_read_public_reference_data(gateway):
    assert gateway.get("/actors/municipalities/2080").status_code == 200


def test_a_wrong_key_is_refused_not_treated_as_anonymous(gateway):
    response = gateway.get("/actors/municipalities/2080", headers={"X-API-Key": "rss_county20_guessed"})
    assert_problem(response, 401)
    assert "x-api-key" in response.headers["www-authenticate"].lower()


def test_anonymous_callers_cannot_write(gateway):
    body = assert_problem(gateway.post("/actors/counties", json={"code": "99"}), 401)
    assert "API key" in body["detail"]


def test_a_forged_identity_sent_to_the_gateway_is_replaced(gateway):
    forged = identity_header("not-the-secret", role=Role.NATIONAL_ADMIN, county=None)
    seen = gateway.get("/actors/", headers=forged).json()
    assert seen["role"] == "anonymous"


def test_a_service_reached_directly_refuses_requests_without_identity(stack):
    direct = httpx.get(stack.service_url("actors") + "/municipalities/2080")
    body = assert_problem(direct, 401)
    assert "gateway" in body["detail"]
    assert_problem(httpx.get(stack.service_url("funding") + "/"), 401)


def test_a_service_refuses_identities_it_cannot_verify(stack):
    url = stack.service_url("actors") + "/"
    wrong_secret = identity_header("a-different-secret-of-sufficient-length-000000")
    expired = identity_header(stack.secret, expires_at=int(time.time()) - 1)
    tampered = identity_header(stack.secret)
    token = tampered["x-rss-identity"].split(".")
    tampered["x-rss-identity"] = ".".join([token[0], token[1][:-2] + "AA", token[2]])

    assert_problem(httpx.get(url, headers=wrong_secret), 401)
    # A good signature past its lifetime: the request waited too long on its way; sent again it goes through.
    late = httpx.get(url, headers=expired)
    assert "waited too long" in assert_problem(late, 503)["detail"] and late.headers["retry-after"] == "1"
    assert_problem(httpx.get(url, headers=tampered), 401)
    # A signature outside ASCII (a header's bytes are the caller's to choose) is refused like any other.
    for signature in ("sïgnatur".encode(), b"\xff\xfe"):
        odd = {"x-rss-identity": b".".join([token[0].encode(), token[1].encode(), signature])}
        assert_problem(httpx.get(url, headers=odd), 401)
    assert httpx.get(url, headers=identity_header(stack.secret)).status_code == 200


def test_a_token_minted_for_one_service_is_refused_by_another(stack):
    """A token seen on its way to the actor registry opens no other service."""
    for_actors = identity_header(stack.secret, role=Role.NATIONAL_ADMIN, county=None, audience="actors")
    assert httpx.get(stack.service_url("actors") + "/", headers=for_actors).status_code == 200

    for service in ("funding", "surveys", "reporting"):
        body = assert_problem(httpx.get(stack.service_url(service) + "/", headers=for_actors), 401)
        assert "'actors'" in body["detail"] and f"'{service}'" in body["detail"]


def test_a_token_without_audience_is_refused(stack):
    no_audience = identity_header(stack.secret, role=Role.NATIONAL_ADMIN, county=None, audience=None)
    body = assert_problem(httpx.get(stack.service_url("actors") + "/", headers=no_audience), 401)
    assert "audience" in body["detail"]


def test_service_health_needs_no_identity(stack):
    assert httpx.get(stack.service_url("surveys") + "/healthz").json()["status"] == "ok"
    assert httpx.get(stack.service_url("surveys") + "/readyz").json()["status"] == "ready"
