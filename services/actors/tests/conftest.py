"""Fixtures for the tests of the shipped reference structures: the loaded file, and its organisations by id."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from services.actors.tests.structures_support import STRUCTURES


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with open(STRUCTURES, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def orgs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in data["organisations"]}
