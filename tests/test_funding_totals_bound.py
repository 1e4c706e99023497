"""The ledger's running totals are 64-bit integers of öre: each amount is bounded (10^13 kronor), but enough of
them add up past any column. The agreement that would take a total past it is refused with 422 naming the rule,
nothing of it is stored, and the ledger goes on answering. On a stack of its own: its totals end near the bound."""

from __future__ import annotations

import httpx
import pytest

from tests.funding_requests import agreement_body
from tests.support import assert_problem, start_stack

LARGEST_AMOUNT = "10000000000000.00"  # shared.money.MAX_ORE, in kronor
LINES = 500


@pytest.fixture(scope="module")
def full_stack(tmp_path_factory, new_database_url):
    stack = start_stack(tmp_path_factory.mktemp("totals"), new_database_url)
    yield stack
    stack.stop()


def huge_agreement() -> dict:
    """500 lines (50 areas over 10 years), each of the largest amount."""
    body = agreement_body(total=LARGEST_AMOUNT)
    line = body["lines"][0]
    areas = [f"område {n}" for n in range(50)]
    body |= {"areas": areas, "first_year": 2023, "last_year": 2032}
    body["lines"] = [line | {"id": f"{line['id']}-{n}", "area": areas[n % 50], "year": 2023 + n // 50}
                     for n in range(LINES)]
    return body


def test_the_agreement_that_would_overflow_the_totals_is_refused_and_nothing_is_stored(full_stack):
    admin = {"X-API-Key": full_stack.keys["skr-admin"]}
    with httpx.Client(base_url=full_stack.gateway_url, timeout=60) as gateway:
        statuses = []
        for _ in range(19):
            body = huge_agreement()
            response = gateway.post("/funding/agreements", json=body, headers=admin)
            statuses.append(response.status_code)
            if response.status_code != 201:
                break
        assert statuses[:-1] == [201] * (len(statuses) - 1) and len(statuses) == 19, (statuses, response.text[:300])
        assert_problem(response, 422, field="body", rule="totals_bound")
        assert_problem(gateway.get(f"/funding/agreements/{body['id']}", headers=admin), 404)
        small = agreement_body()
        assert gateway.post("/funding/agreements", json=small, headers=admin).status_code == 201
        verified = gateway.get(f"/funding/agreements/{small['id']}/ledger/verify", headers=admin)
        assert verified.status_code == 200 and verified.json()["intact"] is True, verified.text
        assert gateway.get("/funding/balances", headers=admin).status_code == 200
