"""Cross-service fixtures: the real services and the gateway, started as processes, reached over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from deploy.stack import Stack
from tests.support import start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, new_database_url: Callable[[str], str]) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("stack"), new_database_url)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def county_key(stack: Stack) -> dict[str, str]:
    """Headers of Dalarna's county system (county 20)."""
    return {"X-API-Key": stack.keys["county-20"]}


@pytest.fixture(scope="session")
def admin_key(stack: Stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["skr-admin"]}


@pytest.fixture(scope="session")
def dashboard_key(stack: Stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["dashboard"]}
