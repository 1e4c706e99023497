"""Fixtures of the registry's in-process tests: the shipped reference structures as a file, and the registry
loaded with them in a database, each test in a transaction that is rolled back at its end."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from services.actors import SERVICE_DIR
from services.actors.changes.counter import RegistrySession
from services.actors.reference_data.demo import load_demo_people
from services.actors.reference_data.geography import load_geography
from services.actors.reference_data.organisations import load_organisations
from services.actors.tests.structures_support import STRUCTURES
from tests.in_process import service_session_fixtures


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with open(STRUCTURES, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def orgs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in data["organisations"]}


# --- the registry in-process: the shipped register, each test in a transaction rolled back at its end ---------

service_database, service_engine, session = service_session_fixtures(
    "actors", SERVICE_DIR, [load_geography, load_organisations, load_demo_people], RegistrySession)
