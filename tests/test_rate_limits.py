"""Rate limits at the gateway, over real HTTP: budgets per key and per address, a stricter one for wrong keys,
and one budget shared by two gateways on one Redis.

Each stack here runs with low limits of its own (the shared test stack's are far too high to be reached). All
requests come from loopback; tests that need an address of their own send from another 127.0.0.x.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest

from deploy.stack import Stack
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
        readyz = guesser.get("/readyz")

    assert [f.status_code for f in failures] == [401] * 3  # the anonymous budget (8) is nowhere near spent
    assert [f.headers["ratelimit"].split(";")[1] for f in failures] == ["r=2", "r=1", "r=0"]
    body = assert_problem(refused, 429)
    assert body["policy"] == "failed-auth" and "wrong API key" in body["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-policy"] == '"failed-auth";q=3;w=60'
    assert assert_problem(right_key_from_guesser, 429)["policy"] == "failed-auth"
    assert still_public.status_code == 200
    assert right_key_elsewhere.status_code == 200
    assert healthz.status_code == 200 and readyz.status_code == 200
    assert "ratelimit" not in healthz.headers and "ratelimit" not in readyz.headers


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
