"""`make test`: the whole suite on SQLite, then on PostgreSQL, in two parts per backend, each timed:

- in-process: each service's own tests (services/<name>/tests/, rules called directly, each test in a rolled-back
  transaction) and the tests of shared/ (tests/shared/);
- cross-service: the contracts through the gateway, with the real processes (the rest of tests/).

RSS_TEST_DATABASES=sqlite (or postgresql) runs one backend only. A part that collects no tests fails. Arguments
are passed to pytest for both parts.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("RSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_reachable() -> str | None:
    async def probe() -> None:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


PARTS = (
    ("in-process", ["services", "tests/shared"]),
    ("cross-service", ["tests", "--ignore=tests/shared"]),
)


def run_part(backend: str, part: str, paths: list[str], extra_args: list[str]) -> tuple[int, dict[str, int], float]:
    print(f"\n=== {part} tests on {backend} ===", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "RSS_TEST_DATABASE": backend, "PYTHONPATH": str(ROOT)}
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *paths, *extra_args],
                               cwd=ROOT, env=env)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
            for key in counts:
                counts[key] = int(suite.get(key, 0)) if suite is not None else 0
    return code, counts, time.monotonic() - started


def main() -> int:
    backends = os.environ.get("RSS_TEST_DATABASES", "sqlite,postgresql").split(",")
    if "postgresql" in backends and (problem := postgres_reachable()):
        print(f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem}).\n"
              "Start it, point RSS_TEST_POSTGRES_URL at one, or run RSS_TEST_DATABASES=sqlite make test.",
              file=sys.stderr)
        return 2
    passed = failed = skipped = 0
    worst = 0
    timings = []
    for backend in (b.strip() for b in backends):
        for part, paths in PARTS:
            code, counts, seconds = run_part(backend, part, paths, sys.argv[1:])
            if code == 5 or counts["tests"] == 0:
                print(f"No {part} tests ran on {backend}: that is a failure.", file=sys.stderr)
                code = code or 1
            worst = worst or code
            part_failed = counts["failures"] + counts["errors"]
            part_passed = counts["tests"] - part_failed - counts["skipped"]
            failed += part_failed
            skipped += counts["skipped"]
            passed += part_passed
            timings.append(f"  {backend:<10} {part:<13} {part_passed:>5} passed, {part_failed} failed, "
                           f"{counts['skipped']} skipped in {seconds:6.1f} s")
    print(f"\nall backends ({', '.join(backends)}):")
    print("\n".join(timings))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return worst

if __name__ == "__main__":
    sys.exit(main())
