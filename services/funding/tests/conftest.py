"""Fixtures of funding's in-process tests: a database built by funding's migrations once, each test in a
transaction rolled back at its end (tests/in_process.py)."""

from __future__ import annotations

from services.funding import SERVICE_DIR
from tests.in_process import service_session_fixtures

service_database, service_engine, session = service_session_fixtures("funding", SERVICE_DIR)
