"""Replicas of a service start together, each running `python -m services.<name> setup` (deploy/entrypoint.sh):
every one succeeds, and the database holds its schema and reference data once. Before the setups waited for one
another, the second of two failed on PostgreSQL (a unique key of the reference data, inserted twice) and on SQLite
(a table created twice by the migrations)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from deploy.stack import ROOT

SETUPS_AT_ONCE = 3


@pytest.mark.parametrize(("service", "counted"), [("actors", "new_organisations"), ("surveys", "questionnaires")])
def test_setups_started_together_all_succeed_and_load_once(service: str, counted: str, new_database_url) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), f"{service.upper()}_DATABASE_URL": new_database_url(service),
           f"{service.upper()}_ENVIRONMENT": "test"}
    setups = [subprocess.Popen([sys.executable, "-m", f"services.{service}", "setup", "--demo"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(SETUPS_AT_ONCE)]
    finished = [(setup.wait(timeout=240), *setup.communicate()) for setup in setups]

    assert [code for code, _out, _err in finished] == [0] * SETUPS_AT_ONCE, [err[-2000:] for *_, err in finished]
    loaded = sorted(int(re.search(rf"{counted}=(\d+)", out).group(1)) for _code, out, _err in finished)
    assert loaded[:-1] == [0] * (SETUPS_AT_ONCE - 1) and loaded[-1] > 0, "one setup loads, the others find it loaded"
