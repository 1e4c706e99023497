"""Fixtures of reporting's in-process tests: a database built by reporting's migrations once, each test in a
transaction rolled back at its end (tests/in_process.py)."""

from __future__ import annotations

from services.reporting import SERVICE_DIR
from tests.in_process import service_session_fixtures

service_database, service_engine, session = service_session_fixtures("reporting", SERVICE_DIR)
