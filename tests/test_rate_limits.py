"""Rate limits at the gateway, over real HTTP: budgets per key and per address, a stricter one for wrong keys,
budgets of a service per caller it calls on behalf of, addresses behind a trusted proxy, /readyz, and one budget
shared by two gateways on one Redis.

Each stack here runs with low limits of its own (the shared test stack's are far too high to be reached). All
requests come from loopback; tests that need an address of their own send from another 127.0.0.x.
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest

from deploy.stack import Stack
from tests.funding_requests import key as idempotency_key
from tests.funding_requests import receiver_allocation, requisition
from tests.support import assert_problem, free_port, start_stack

LOW_LIMITS = {
    "GATEWAY_RATE_LIMIT_COUNTY": "5/minute",
    "GATEWAY_RATE_LIMIT_NATIONAL_ADMIN": "5/minute",
    "GATEWAY_RATE_LIMIT_DASHBOARD": "5/minute",
    "GATEWAY_RATE_LIMIT_ANONYMOUS": "8/minute",
    "GATEWAY_RATE_LIMIT_FAILED_AUTH": "3/minute",
}
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, new_database_url: Callable[[str], str]) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("limited"), new_database_url, extra_env=LOW_LIMITS)
    yield stack
    stack.stop()


def client_from(stack: Stack, address: str = "127.0.0.1") -> httpx.Client:
    """A client whose requests come from `address` (any 127.0.0.x is this machine)."""
    return httpx.Client(base_url=stack.gateway_url, timeout=15,
                        transport=httpx.HTTPTransport(local_address=address))


def key(stack: Stack, key_id: str) -> dict[str, str]:
    return {"X-API-Key": stack.keys[key_id]}


def test_a_key_gets_429_with_retry_after_once_its_budget_is_spent(limited):
    with client_from(limited) as gateway:
        answers = [gateway.get("/actors/", headers=key(limited, "county-20")) for _ in range(5)]
        refused = gateway.get("/actors/", headers=key(limited, "county-20"))

    assert [a.status_code for a in answers] == [200] * 5
    assert {a.headers["ratelimit-policy"] for a in answers} == {'"county";q=5;w=60'}
    remaining = [a.headers["ratelimit"].split(";")[1] for a in answers]
    assert remaining == ["r=4", "r=3", "r=2", "r=1", "r=0"]

    body = assert_problem(refused, 429)
    assert body["policy"] == "county" and "county" in body["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-policy"] == '"county";q=5;w=60'
    assert refused.headers["ratelimit"].startswith('"county";r=0;t=')
    assert refused.headers["x-request-id"]


def test_budgets_are_per_key(limited):
    with client_from(limited) as gateway:
        for _ in range(6):
            gateway.get("/funding/", headers=key(limited, "skr-admin"))
        assert_problem(gateway.get("/funding/", headers=key(limited, "skr-admin")), 429)

        # Another key is not limited by it: it spends from a budget of its own.
        other = gateway.get("/actors/", headers=key(limited, "dashboard"))
        assert other.status_code == 200
        assert other.headers["ratelimit"].startswith('"dashboard";r=4;')


def test_anonymous_callers_are_limited_per_address(limited):
    with client_from(limited, "127.0.0.5") as first, client_from(limited, "127.0.0.6") as second:
        answers = [first.get("/actors/municipalities/2080") for _ in range(8)]
        refused = first.get("/actors/municipalities/2080")
        neighbour = second.get("/actors/municipalities/2080")

    assert [a.status_code for a in answers] == [200] * 8
    assert answers[0].headers["ratelimit-policy"] == '"anonymous";q=8;w=60'
    assert assert_problem(refused, 429)["policy"] == "anonymous"
    assert neighbour.status_code == 200


def test_wrong_keys_are_limited_per_address_before_the_ordinary_limit(limited):
    wrong = {"X-API-Key": "rss_county20_guessed"}
    with client_from(limited, "127.0.0.2") as guesser, client_from(limited, "127.0.0.3") as neighbour:
        failures = [guesser.get("/actors/", headers=wrong) for _ in range(3)]
        refused = guesser.get("/actors/", headers=wrong)
        # Once the address is refused, a right key from it is refused too, before it is looked at: guessing
        # gets no faster by being right.
        right_key_from_guesser = guesser.get("/actors/", headers=key(limited, "county-01"))
        still_public = guesser.get("/actors/municipalities/2080")
        right_key_elsewhere = neighbour.get("/actors/", headers=key(limited, "county-01"))
        healthz = guesser.get("/healthz")

    assert [f.status_code for f in failures] == [401] * 3  # the anonymous budget (8) is nowhere near spent
    assert [f.headers["ratelimit"].split(";")[1] for f in failures] == ["r=2", "r=1", "r=0"]
    body = assert_problem(refused, 429)
    assert body["policy"] == "failed-auth" and "wrong API key" in body["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-policy"] == '"failed-auth";q=3;w=60'
    assert assert_problem(right_key_from_guesser, 429)["policy"] == "failed-auth"
    assert still_public.status_code == 200
    assert right_key_elsewhere.status_code == 200
    assert healthz.status_code == 200 and "ratelimit" not in healthz.headers


def test_wrong_keys_at_whoami_count_against_the_same_address_budget(limited):
    wrong = {"X-API-Key": "rss_wrong"}
    with client_from(limited, "127.0.0.4") as guesser:
        failures = [guesser.get("/whoami", headers=wrong) for _ in range(3)]
        refused = guesser.get("/actors/", headers=wrong)
        refused_whoami = guesser.get("/whoami", headers=key(limited, "county-20"))

    assert [f.status_code for f in failures] == [401] * 3
    assert assert_problem(refused, 429)["policy"] == "failed-auth"
    assert assert_problem(refused_whoami, 429)["policy"] == "failed-auth"
    assert int(refused_whoami.headers["retry-after"]) >= 1


# A stack whose services' budgets are small (the service budget, and the dashboard budget service keys spent from
# before they had their own), with a trusted proxy at 127.0.0.9; county and admin keys keep the test stack's
# room. The services call the gateway from 127.0.0.1; the tests send from other addresses unless they mean it.
SERVICE_BUDGET = 40
FAIR_LIMITS = {
    "GATEWAY_RATE_LIMIT_SERVICE": f"{SERVICE_BUDGET}/minute",
    "GATEWAY_RATE_LIMIT_DASHBOARD": f"{SERVICE_BUDGET}/minute",
    "GATEWAY_RATE_LIMIT_ANONYMOUS": "6/minute",
    "GATEWAY_RATE_LIMIT_FAILED_AUTH": "3/minute",
    "GATEWAY_TRUSTED_PROXIES": "127.0.0.9",
}
PROXY = "127.0.0.9"


@pytest.fixture(scope="module")
def fair(tmp_path_factory: pytest.TempPathFactory, new_database_url: Callable[[str], str]) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("fair"), new_database_url, extra_env=FAIR_LIMITS)
    yield stack
    stack.stop()


def test_one_countys_flood_through_funding_leaves_another_countys_requisition_standing(fair):
    with client_from(fair, "127.0.0.11") as gateway:
        _agreement, allocation = receiver_allocation(gateway, key(fair, "skr-admin"))
        url = (f"/funding/allocations/{allocation['id']}/shares/{allocation['receivers']['20']['id']}"
               "/distributions/preview")
        flood = {"total": "1.00", "key": "equal", "recipients": [{"id": f"unknown-{i:03d}"} for i in range(100)]}
        previews = [gateway.post(url, json=flood, headers=key(fair, "county-20")) for _ in range(SERVICE_BUDGET + 5)]
        stockholm = gateway.post("/funding/requisitions", json=requisition(allocation, "100.00", county="01"),
                                 headers={**key(fair, "county-01"), **idempotency_key()})

    statuses = [p.status_code for p in previews]
    # Each preview asks the registry once (100 ids in one call) and is refused naming the unknown receivers,
    # until Dalarna's share of funding's registry budget is spent: then Dalarna alone waits.
    assert statuses[:SERVICE_BUDGET - 5] == [422] * (SERVICE_BUDGET - 5), statuses
    assert_problem(previews[0], 422, field="body.recipients.99.id", rule="registered_receiver")
    assert statuses[-1] == 503, statuses
    assert "429" in previews[-1].json()["detail"]
    assert stockholm.status_code == 201, stockholm.text


def test_wrong_keys_from_the_services_address_do_not_stop_the_services(fair):
    wrong = {"X-API-Key": "rss_funding_guessed"}
    with client_from(fair, "127.0.0.1") as guesser, client_from(fair, "127.0.0.12") as gateway:
        failures = [guesser.get("/actors/", headers=wrong) for _ in range(4)]
        # The address is blocked for keys: a county key from it is refused before it is looked at ...
        county_from_there = guesser.get("/actors/", headers=key(fair, "county-01"))
        # ... but the services, which call the platform from that address with their own keys, go on.
        service_key = {"X-API-Key": fair.service_keys["service-funding"]}
        service_from_there = guesser.get("/actors/counties/20", headers=service_key)
        _agreement, allocation = receiver_allocation(gateway, key(fair, "skr-admin"))
        created = gateway.post("/funding/requisitions", json=requisition(allocation, "100.00", county="01"),
                               headers={**key(fair, "county-01"), **idempotency_key()})
        round_ = gateway.post("/surveys/rounds", headers=key(fair, "skr-admin"), json={
            "id": f"runda-{uuid.uuid4().hex[:8]}", "questionnaire_id": "behovsinventering", "version": 1,
            "title": "Runda", "opens_on": "2024-01-01", "closes_on": "2099-12-31", "targets": {"kind": "rss"}})

    assert [f.status_code for f in failures] == [401, 401, 401, 429]
    assert assert_problem(county_from_there, 429)["policy"] == "failed-auth"
    assert service_from_there.status_code == 200, service_from_there.text
    assert created.status_code == 201, created.text
    assert round_.status_code == 201, round_.text


def test_x_forwarded_for_is_read_from_a_trusted_proxy_only(fair):
    with client_from(fair, "127.0.0.13") as untrusted, client_from(fair, PROXY) as proxy:
        # From an untrusted peer the header is ignored: every request counts against the peer's address.
        made_up = [untrusted.get("/actors/municipalities/2080", headers={"X-Forwarded-For": f"10.9.0.{i}"})
                   for i in range(7)]
        # From the trusted proxy the client is the right-most address not the proxy's own; what the client
        # wrote to the left of it is not believed.
        first = [proxy.get("/actors/municipalities/2080", headers={"X-Forwarded-For": "10.1.0.1"})
                 for _ in range(6)]
        first_spent = proxy.get("/actors/municipalities/2080", headers={"X-Forwarded-For": "10.1.0.1"})
        first_again_with_a_made_up_left = proxy.get("/actors/municipalities/2080",
                                                    headers={"X-Forwarded-For": "10.7.7.7, 10.1.0.1, 127.0.0.9"})
        second = proxy.get("/actors/municipalities/2080", headers={"X-Forwarded-For": "10.1.0.2"})

    assert [a.status_code for a in made_up] == [200] * 6 + [429]
    assert [a.status_code for a in first] == [200] * 6
    assert assert_problem(first_spent, 429)["policy"] == "anonymous"
    assert first_again_with_a_made_up_left.status_code == 429
    assert second.status_code == 200


def _readyz_asked(stack: Stack) -> int:
    """How many times the actor registry's /readyz was called (its access log)."""
    lines = stack.log_file("actors").read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if '"path":"/readyz"' in line.replace(" ", ""))


def test_readyz_is_limited_like_any_anonymous_call_and_shares_one_asking(fair):
    with client_from(fair, "127.0.0.14") as caller:
        answers = [caller.get("/readyz") for _ in range(6)]
        refused = caller.get("/readyz")
    assert [a.status_code for a in answers] == [200] * 6
    assert answers[0].headers["ratelimit-policy"] == '"anonymous";q=6;w=60'
    assert assert_problem(refused, 429)["policy"] == "anonymous"

    async def many() -> list[int]:
        # 60 callers at once, each its own client behind the trusted proxy (so no budget stands in the way).
        transport = httpx.AsyncHTTPTransport(local_address=PROXY)
        async with httpx.AsyncClient(base_url=fair.gateway_url, timeout=15, transport=transport) as client:
            answers = await asyncio.gather(*(client.get("/readyz", headers={"X-Forwarded-For": f"10.2.0.{i}"})
                                             for i in range(60)))
        return [a.status_code for a in answers]

    time.sleep(1.1)  # past the kept answer of the calls above
    before = _readyz_asked(fair)
    statuses = asyncio.run(many())
    time.sleep(0.3)  # the registry's access log is written by another process
    assert statuses == [200] * 60
    assert _readyz_asked(fair) - before <= 3


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def two_gateways_on_redis(tmp_path_factory: pytest.TempPathFactory,
                          new_database_url: Callable[[str], str]) -> Iterator[tuple[Stack, Stack]]:
    if not _redis_reachable():
        pytest.skip("no Redis server answers at 127.0.0.1:6379; the shared-budget test needs one")
    env = {**LOW_LIMITS, "GATEWAY_RATE_LIMIT_STORAGE": REDIS_URL,
           # Counters of this run only: other runs may share the Redis server at the same time.
           "GATEWAY_RATE_LIMIT_KEY_PREFIX": f"rss-test-{uuid.uuid4().hex[:12]}"}
    first = start_stack(tmp_path_factory.mktemp("redis-limited"), new_database_url, extra_env=env)
    # A second gateway before the same services, with the same keys, secret and settings.
    second = replace(first, ports={**first.ports, "gateway": free_port()}, processes={})
    try:
        second.start(("gateway",))
        second.wait_ready()
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_two_gateways_on_one_redis_share_a_keys_budget(two_gateways_on_redis):
    first, second = two_gateways_on_redis
    headers = key(first, "county-20")
    with client_from(first) as one, client_from(second) as other:
        spent_at_first = [one.get("/actors/", headers=headers) for _ in range(3)]
        spent_at_second = [other.get("/actors/", headers=headers) for _ in range(2)]
        refused_at_first = one.get("/actors/", headers=headers)
        refused_at_second = other.get("/actors/", headers=headers)
        another_key = other.get("/actors/", headers=key(first, "county-01"))

    assert [a.status_code for a in spent_at_first + spent_at_second] == [200] * 5
    remaining = [a.headers["ratelimit"].split(";")[1] for a in spent_at_first + spent_at_second]
    assert remaining == ["r=4", "r=3", "r=2", "r=1", "r=0"]
    assert assert_problem(refused_at_first, 429)["policy"] == "county"
    assert assert_problem(refused_at_second, 429)["policy"] == "county"
    assert 1 <= int(refused_at_second.headers["retry-after"]) <= 60
    assert another_key.status_code == 200
