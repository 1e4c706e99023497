"""Cross-service fixtures: the real services and the gateway, started as processes, reached over HTTP."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="session")
def dashboard_stack(tmp_path_factory: pytest.TempPathFactory,
                    new_database_url: Callable[[str], str]) -> Iterator[Stack]:
    """A platform of its own for the dashboard's tests, with the demo year loaded through the gateway
    (deploy/demo_year.py). Not the session's stack: the demo year's needs rounds, opened before the rounds other
    tests open, would become those rounds' previous round and change their figures; and a dashboard test stops a
    service to see the page without it."""
    from deploy.demo_year import load_demo_year

    stack = start_stack(tmp_path_factory.mktemp("dashboard"), new_database_url)
    load_demo_year(stack.gateway_url, stack.keys["skr-admin"],
                   {"20": stack.keys["county-20"], "01": stack.keys["county-01"]})
    yield stack
    stack.stop()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download), headless; missing in CI is a failure."""
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs it (Debian package chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
