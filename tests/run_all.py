"""`make test`: the whole suite on SQLite and on PostgreSQL, the two backends side by side, in two parts per
backend, each timed:

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TextIO

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


def run_part(backend: str, part: str, paths: list[str], extra_args: list[str],
             output: TextIO | None = None) -> tuple[int, dict[str, int], float]:
    """One part on one backend, in a pytest process of its own (its own temporary directory); its output goes to
    `output` (the terminal when None)."""
    print(f"\n=== {part} tests on {backend} ===", file=output or sys.stdout, flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"rss-{backend}-{part}-") as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "RSS_TEST_DATABASE": backend, "PYTHONPATH": str(ROOT)}
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", f"--junitxml={report}",
                                f"--basetemp={Path(tmp) / 'basetemp'}", *paths, *extra_args],
                               cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
            for key in counts:
                counts[key] = int(suite.get(key, 0)) if suite is not None else 0
    return code, counts, time.monotonic() - started


Result = tuple[str, str, int, dict[str, int], float]


def run_backend(backend: str, extra_args: list[str], output: TextIO | None = None) -> list[Result]:
    """Both parts on one backend, one after the other."""
    return [(backend, part, *run_part(backend, part, paths, extra_args, output)) for part, paths in PARTS]


def run_all(backends: list[str], extra_args: list[str]) -> list[Result]:
    """The backends side by side (each its own pytest processes, stacks, ports and databases): the cross-service
    tests mostly wait on the processes they started, so two backends share two cores well. Each backend's output
    is kept in a file and printed whole when it ends. RSS_TEST_SEQUENTIAL=1: one after the other, streamed."""
    if len(backends) == 1 or os.environ.get("RSS_TEST_SEQUENTIAL") == "1":
        return [result for backend in backends for result in run_backend(backend, extra_args)]
    print(f"Running {', '.join(backends)} side by side; each backend's output follows when it ends.", flush=True)
    with tempfile.TemporaryDirectory(prefix="rss-test-logs-") as logs, ThreadPoolExecutor(len(backends)) as pool:
        files = {backend: open(Path(logs) / f"{backend}.log", "w+", encoding="utf-8") for backend in backends}
        try:
            futures = {backend: pool.submit(run_backend, backend, extra_args, files[backend])
                       for backend in backends}
            results = []
            for backend in backends:
                results += futures[backend].result()
                files[backend].seek(0)
                sys.stdout.write(files[backend].read())
                sys.stdout.flush()
            return results
        finally:
            for file in files.values():
                file.close()


def main() -> int:
    backends = [b.strip() for b in os.environ.get("RSS_TEST_DATABASES", "sqlite,postgresql").split(",")]
    if "postgresql" in backends and (problem := postgres_reachable()):
        print(f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem}).\n"
              "Start it, point RSS_TEST_POSTGRES_URL at one, or run RSS_TEST_DATABASES=sqlite make test.",
              file=sys.stderr)
        return 2
    passed = failed = skipped = 0
    worst = 0
    timings = []
    started = time.monotonic()
    for backend, part, code, counts, seconds in run_all(backends, sys.argv[1:]):
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
    print(f"{passed} passed, {failed} failed, {skipped} skipped in {time.monotonic() - started:.0f} s")
    return worst


if __name__ == "__main__":
    sys.exit(main())
