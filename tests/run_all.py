"""`make test`: the whole suite on SQLite, then on PostgreSQL; one summary line at the end.

RSS_TEST_DATABASES=sqlite (or postgresql) runs one backend only. A run that collects no tests fails.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
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


def run_backend(backend: str, extra_args: list[str]) -> tuple[int, dict[str, int]]:
    print(f"\n=== tests on {backend} ===", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "RSS_TEST_DATABASE": backend, "PYTHONPATH": str(ROOT)}
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *extra_args],
                               cwd=ROOT, env=env)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
            for key in counts:
                counts[key] = int(suite.get(key, 0)) if suite is not None else 0
    return code, counts


def main() -> int:
    backends = os.environ.get("RSS_TEST_DATABASES", "sqlite,postgresql").split(",")
    if "postgresql" in backends and (problem := postgres_reachable()):
        print(f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem}).\n"
              "Start it, point RSS_TEST_POSTGRES_URL at one, or run RSS_TEST_DATABASES=sqlite make test.",
              file=sys.stderr)
        return 2
    passed = failed = skipped = 0
    worst = 0
    for backend in backends:
        code, counts = run_backend(backend.strip(), sys.argv[1:])
        if code == 5 or counts["tests"] == 0:
            print(f"No tests ran on {backend}: that is a failure.", file=sys.stderr)
            code = code or 1
        worst = worst or code
        failed += counts["failures"] + counts["errors"]
        skipped += counts["skipped"]
        passed += counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    print(f"\nall backends ({', '.join(backends)}):")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main())
