"""Fixtures of surveys' in-process tests: a database built by surveys' migrations and loaded with its shipped
code lists and questionnaires once, each test in a transaction rolled back at its end (tests/in_process.py)."""

from __future__ import annotations

from services.surveys import SERVICE_DIR
from services.surveys.codelists.service import load_code_lists
from services.surveys.templates.shipped import load_templates
from tests.in_process import service_session_fixtures

service_database, service_engine, session = service_session_fixtures(
    "surveys", SERVICE_DIR, [load_code_lists, load_templates])
