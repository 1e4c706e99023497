"""Contract fuzzing: Schemathesis, all checks, against the gateway's live OpenAPI document on a real stack.

Every operation the document lists is fuzzed (so a new service's operations are from its first commit), once
with Dalarna's county key and once with the national administrator's key. The only expectations beyond the
document are in the checked-in schemathesis.toml, each with its reason. A stack of its own: the fuzzer writes
random records, which no other test should meet.

It runs in both passes of `make test`: on PostgreSQL (the production database) and on SQLite (the database
`make run` uses, whose naive timestamps it once caught), a few minutes each. One worker: with two, Hypothesis
once stopped on an interpreter error (SystemError from CPython 3.11's compiler when two threads compile at once),
which says nothing about the API.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.stack import Stack
from tests.support import start_stack

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "schemathesis.toml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}



@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory, new_database_url) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("fuzzed"), new_database_url)
    yield stack
    stack.stop()


def operations(document: dict) -> set[str]:
    return {f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in HTTP_METHODS}


@pytest.mark.parametrize("key_name", ["county-20", "skr-admin"])
def test_every_operation_keeps_the_contract(fuzzed_stack: Stack, key_name: str, tmp_path: Path) -> None:
    document = httpx.get(fuzzed_stack.gateway_url + "/openapi.json", timeout=30).json()
    junit = tmp_path / "junit.xml"
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(CONFIG), "run",
               fuzzed_stack.gateway_url + "/openapi.json", "--checks", "all", "--workers", "1",
               "--request-timeout", "60", "-H", f"X-API-Key: {fuzzed_stack.keys[key_name]}",
               "--report", "junit", "--report-junit-path", str(junit)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20000:]

    tested = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    missing = sorted(operations(document) - tested)
    assert not missing, f"operations the fuzzer did not reach: {missing}\n{output[-3000:]}"
