"""`make bench` (imports part): CSV imports of organisations and people through the gateway, from an empty table
to 100,000 rows.

A fresh register (reference data only) takes files of fictional records one after another, so that each file
meets a larger table: 1,000, 4,000, 5,000, 10,000, 30,000 and 50,000 rows (100,000 in all), and then one more
file of 1,000 rows against the full table. Each step prints its rows per second; a flat column is the goal (an
import costs the same per row whatever the table holds), and so is at least 5,000 rows/s on PostgreSQL. The
50,000-row files are larger than the service's default import limit (5 MiB), which this bench raises.

Before the steps, a warm-up file of 100 rows, as the other benches warm up before they measure: the first import
of a fresh process on a fresh connection pays once for what later ones find ready (the database plans the
lookups, the COPYs' column queries and the foreign keys' checks once per connection; 35-95 ms in
docs/benchmarks.md), which is not what the steps measure. Its time is printed and kept in the results, and the
table sizes count its rows.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import tempfile
import time
from pathlib import Path

import httpx

from bench.registry import CREATED_DATABASES, _postgres_admin, postgres_urls
from bench.results_file import write_results
from deploy.stack import SERVICES, Stack, sqlite_urls
from tests.support import free_port

STEPS = (1_000, 4_000, 5_000, 10_000, 30_000, 50_000, 1_000)
GOAL_ROWS_PER_S = 5_000
WARMUP_ROWS = 100
WARMUP_FIRST = 900_000  # the warm-up's ids and organisation numbers, apart from the steps' 0-101,000
BODY_LIMIT = str(64 * 1024 * 1024)
ORG_HEADER = ["id", "kind", "name", "short_name", "county_code", "org_number", "valid_from", "note", "source"]
PEOPLE_HEADER = ["id", "given_name", "family_name", "email", "phone"]


def org_number(i: int) -> str:
    """A valid (Luhn) organisation number of the 55xxxx series, distinct per i."""
    body = f"55{i:07d}"
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(body)):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    number = body + str((10 - total % 10) % 10)
    return f"{number[:6]}-{number[6:]}"


def csv_body(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def organisations_file(first: int, count: int) -> bytes:
    return csv_body(ORG_HEADER, [[f"bench-org-{i:06d}", "rd_unit", f"FoU-enhet Exempelby {i}", f"FoU {i}", "20",
                                  org_number(i), "2015-01-01", "Fiktiv enhet för mätning", "bench"]
                                 for i in range(first, first + count)])


def people_file(first: int, count: int) -> bytes:
    return csv_body(PEOPLE_HEADER, [[f"bench-person-{i:06d}", "Exempel", f"Personsson {i}",
                                     f"exempel.{i}@example.org", "+46 10 000 00 00"]
                                    for i in range(first, first + count)])


def run(stack: Stack) -> tuple[dict[str, list[dict[str, float]]], dict[str, dict[str, float]]]:
    headers = {"X-API-Key": stack.keys["county-20"], "Content-Type": "text/csv; charset=utf-8"}
    results: dict[str, list[dict[str, float]]] = {}
    warmups: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=stack.gateway_url, timeout=330) as client:
        for table, make in (("organisations", organisations_file), ("people", people_file)):
            started = time.perf_counter()
            response = client.post(f"/actors/imports/{table}", content=make(WARMUP_FIRST, WARMUP_ROWS),
                                   headers=headers)
            seconds = time.perf_counter() - started
            assert response.status_code == 200 and response.json()["created"] == WARMUP_ROWS, response.text[:500]
            warmups[table] = {"rows": WARMUP_ROWS, "seconds": seconds}
            print(f"  {table:13s} warm-up, {WARMUP_ROWS} rows (not a step): {seconds:6.2f} s", flush=True)
            steps, stored = [], WARMUP_ROWS
            for count in STEPS:
                body = make(stored, count)
                started = time.perf_counter()
                response = client.post(f"/actors/imports/{table}", content=body, headers=headers)
                seconds = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{table} import of {count} rows: {response.status_code} {response.text[:500]}")
                assert response.json()["created"] == count
                steps.append({"table_before": stored, "rows": count, "bytes": len(body), "seconds": seconds,
                              "rows_per_s": count / seconds})
                print(f"  {table:13s} {stored:>7,} + {count:>6,} rows ({len(body) / 1e6:5.1f} MB): {seconds:6.2f} s, "
                      f"{count / seconds:8,.0f} rows/s", flush=True)
                stored += count
            # The same file again changes nothing: the retry costs a lookup of the ids, no writes.
            started = time.perf_counter()
            response = client.post(f"/actors/imports/{table}", content=make(stored - STEPS[-1], STEPS[-1]),
                                   headers=headers)
            seconds = time.perf_counter() - started
            assert response.status_code == 200 and response.json()["unchanged"] == STEPS[-1], response.text[:500]
            print(f"  {table:13s} retried last file (unchanged): {seconds:6.2f} s, {STEPS[-1] / seconds:8,.0f} rows/s")
            results[table] = steps
    return results, warmups


def report(database: str, results: dict[str, list[dict[str, float]]]) -> str:
    lines = ["", f"CSV imports through the gateway ({database}), rows per second by table size before the file"]
    for table, steps in results.items():
        rates = [s["rows_per_s"] for s in steps]
        flat = rates[-1] / rates[0]
        slowest = min(rates)
        lines.append(f"  {table:13s} " + "  ".join(f"{int(s['table_before']):>7,}: {s['rows_per_s']:6,.0f}"
                                                   for s in steps))
        lines.append(f"  {'':13s} the last 1,000-row file (full table) / the first: {flat:.2f}; slowest step "
                     f"{slowest:,.0f} rows/s (goal >= {GOAL_ROWS_PER_S:,}) "
                     f"{'MET' if slowest >= GOAL_ROWS_PER_S else 'MISSED'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql uses RSS_TEST_POSTGRES_URL's server (default 127.0.0.1:5432)")
    args = parser.parse_args()
    stack = None
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-imports-") as tmp:
            urls = sqlite_urls(Path(tmp)) if args.database == "sqlite" else postgres_urls(0)
            stack = Stack(data_dir=Path(tmp), database_urls=urls, environment="test", log_to_files=True,
                          ports={n: free_port() for n in ("gateway", *SERVICES)},
                          extra_env={"ACTORS_MAX_IMPORT_BODY_BYTES": BODY_LIMIT})
            stack.prepare(demo=False)
            stack.ports = {n: free_port() for n in stack.ports}
            stack.start()
            stack.wait_ready()
            print(f"importing into a fresh register ({args.database}) ...", flush=True)
            results, warmups = run(stack)
    finally:
        if stack is not None:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(report(args.database, results))
    write_results(f"imports-{args.database}", {"database": args.database, "steps": results, "warm_up": warmups})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
