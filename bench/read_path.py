"""`make bench` (read path): what a read through the gateway costs against the work it does.

For each of four reads of the actor registry it measures, side by side in one run:
  - raw: the same rows fetched with the bare driver (asyncpg; sqlite3 on SQLite) in this process, one plain
    query per row set on one open connection, and the answer serialised with orjson: the work itself;
  - service-info: `GET /actors/` through the gateway (identity, routing, HTTP, no database): what any request
    costs in transport;
  - the read through the gateway.
Goal: read <= 2 x (raw + service-info). The gateway figures are wrk medians at one connection, the reads and
service-info taking turns round by round so a passing disturbance of the machine hits all of them alike; beside
them the actors process's CPU time per request, which moves less than latency when the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from bench.gateway import cpu_seconds, ensure_tool, run_wrk
from bench.registry import CREATED_DATABASES, _postgres_admin, start_reference_stack
from bench.results_file import write_results
from deploy.stack import Stack

GOAL = 2.0  # read / (raw + service-info)
SERVICE_INFO = "/actors/"
TODAY = date.today()
AS_OF_2019 = date(2019, 11, 1)
# (name, gateway path); the raw functions below fetch the same rows.
READS = [
    ("organisation", "/actors/organisations/rss-20"),
    ("municipalities", "/actors/municipalities?limit=100"),
    ("organisations", "/actors/organisations?limit=100"),
    ("rss-stockholm-2019", f"/actors/rss/rss-01?as_of={AS_OF_2019.isoformat()}"),
]
COUNT_CAP = 1_000


class Raw:
    """One open driver connection; `rows(sql, *args)` returns dicts. SQL is written with $n placeholders."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg: asyncpg.Connection | None = None
        self.lite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.url.startswith("sqlite"):
            self.lite = sqlite3.connect(self.url.split("///", 1)[1])
            self.lite.row_factory = sqlite3.Row
        else:
            self.pg = await asyncpg.connect(self.url.replace("postgresql+asyncpg://", "postgresql://"))

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.lite is not None:
            self.lite.close()

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self.pg is not None:
            return [dict(r) for r in await self.pg.fetch(sql, *args)]
        assert self.lite is not None
        lite_sql = sql
        for n in range(len(args), 0, -1):
            lite_sql = lite_sql.replace(f"${n}", f"?{n}")
        values = [a.isoformat() if isinstance(a, date) else a for a in args]
        return [dict(r) for r in self.lite.execute(lite_sql, values).fetchall()]


def _active(prefix: str, n: int) -> str:
    return (f"({prefix}valid_from IS NULL OR {prefix}valid_from <= ${n}) AND "
            f"({prefix}valid_to IS NULL OR {prefix}valid_to > ${n})")


def _holds(row: dict[str, Any], on: date) -> bool:
    start, end = row["valid_from"], row["valid_to"]
    start = date.fromisoformat(start) if isinstance(start, str) else start
    end = date.fromisoformat(end) if isinstance(end, str) else end
    return (start is None or start <= on) and (end is None or end > on)


def _name_on(names: list[dict[str, Any]], on: date) -> dict[str, Any] | None:
    for name in names:
        if _holds(name, on):
            return name
    return names[-1] if names else None


async def _organisations(raw: Raw, where: str, args: list[Any], on: date, limit: int) -> list[dict[str, Any]]:
    """Organisations with their names, identifiers and contacts: one query per part, the parts joined to the
    same selection."""
    heads_sql = (f"SELECT id, kind, county_code, valid_from, valid_to, note, source, version FROM organisations "
                 f"WHERE {where} ORDER BY id LIMIT {limit}")
    heads = await raw.rows(heads_sql, *args)
    selection = f"(SELECT id FROM organisations WHERE {where} ORDER BY id LIMIT {limit})"
    parts: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for part, sql in (
        ("names", "SELECT p.organisation_id, p.name, p.short_name, p.valid_from, p.valid_to, p.evidence "
                  "FROM organisation_names p JOIN {s} s ON s.id = p.organisation_id ORDER BY p.position, p.id"),
        ("identifiers", "SELECT p.organisation_id, p.scheme, p.value, p.valid_from, p.valid_to "
                        "FROM organisation_identifiers p JOIN {s} s ON s.id = p.organisation_id ORDER BY p.id"),
        ("contacts", "SELECT p.organisation_id, p.kind, p.value, p.label "
                     "FROM contact_channels p JOIN {s} s ON s.id = p.organisation_id ORDER BY p.id"),
    ):
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in await raw.rows(sql.format(s=selection), *args):
            grouped[row.pop("organisation_id")].append(row)
        parts[part] = grouped
    out = []
    for head in heads:
        names = parts["names"].get(head["id"], [])
        name = _name_on(names, on)
        out.append({**head, "name": name and name["name"], "short_name": name and name["short_name"],
                    "active": _holds(head, on), "as_of": on, "names": names,
                    "identifiers": [{"scheme": i["scheme"], "value": i["value"]}
                                    for i in parts["identifiers"].get(head["id"], []) if _holds(i, on)],
                    "contacts": parts["contacts"].get(head["id"], [])})
    return out


async def _count(raw: Raw, table: str, where: str, args: list[Any]) -> int:
    rows = await raw.rows(f"SELECT count(*) AS n FROM (SELECT 1 FROM {table} WHERE {where} "
                          f"LIMIT {COUNT_CAP + 1}) AS capped", *args)
    return rows[0]["n"]


async def raw_organisation(raw: Raw) -> bytes:
    return orjson.dumps((await _organisations(raw, "id = $1", ["rss-20"], TODAY, 1))[0])


async def raw_organisations(raw: Raw) -> bytes:
    where, args = _active("", 1), [TODAY]
    count = await _count(raw, "organisations", where, args)
    items = await _organisations(raw, where, args, TODAY, 101)
    return orjson.dumps({"items": items[:100], "count": count, "next_cursor": "x"})


# The register's change counter, which the municipality list and the RSS overview read for their ETags.
REGISTRY_VERSION = "SELECT version FROM registry_state WHERE id = 1"


async def raw_municipalities(raw: Raw) -> bytes:
    etag = (await raw.rows(REGISTRY_VERSION))[0]["version"]
    count = await _count(raw, "municipalities", "1 = 1", [])
    rows = await raw.rows("SELECT m.code, m.name, m.county_code, c.name AS county_name FROM municipalities m "
                          "JOIN counties c ON c.code = m.county_code ORDER BY m.code LIMIT 101")
    populations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in await raw.rows("SELECT p.municipality_code, p.year, p.population FROM municipality_populations p "
                            "JOIN (SELECT code FROM municipalities ORDER BY code LIMIT 101) s "
                            "ON s.code = p.municipality_code ORDER BY p.year"):
        populations[p.pop("municipality_code")].append(p)
    items = []
    for m in rows[:100]:
        pops = populations.get(m["code"], [])
        latest = pops[-1] if pops else None
        items.append({**m, "population": latest and latest["population"], "population_year": latest and
                      latest["year"], "populations": pops})
    return orjson.dumps({"items": items, "count": count, "next_cursor": "x", "etag": etag})


async def raw_rss(raw: Raw) -> bytes:
    on = AS_OF_2019
    etag = (await raw.rows(REGISTRY_VERSION))[0]["version"]
    rss = (await _organisations(raw, "id = $1", ["rss-01"], on, 1))[0]
    relations = await raw.rows(
        "SELECT id, kind, subject_id, object_id, valid_from, valid_to, reported, evidence, attested, source, "
        f"joint, unit_id, note FROM relations WHERE (subject_id = $1 OR object_id = $1) AND {_active('', 2)} "
        "ORDER BY valid_from, id", "rss-01", on)
    posts = await raw.rows(
        "SELECT id, organisation_id, role, label, on_behalf_of_id, valid_from, valid_to, version FROM posts "
        f"WHERE ((organisation_id = $1 AND role = 'contact_point') OR on_behalf_of_id = $1) AND {_active('', 2)} "
        "ORDER BY id", "rss-01", on)
    post_ids = "SELECT id FROM posts WHERE organisation_id = $1 OR on_behalf_of_id = $1"
    contacts = await raw.rows(f"SELECT post_id, kind, value, label FROM contact_channels WHERE post_id IN "
                              f"({post_ids}) ORDER BY id", "rss-01")
    holders = await raw.rows(
        "SELECT m.post_id, m.id AS membership_id, p.id, p.given_name, p.family_name, p.email, p.phone "
        f"FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.post_id IN ({post_ids}) "
        f"AND {_active('m.', 2)}", "rss-01", on)
    others = ("SELECT subject_id FROM relations WHERE object_id = $1 UNION SELECT object_id FROM relations "
              "WHERE subject_id = $1 UNION SELECT unit_id FROM relations WHERE subject_id = $1 OR object_id = $1 "
              "UNION SELECT organisation_id FROM posts WHERE on_behalf_of_id = $1 UNION SELECT $1")
    heads = await raw.rows(f"SELECT id, kind, county_code FROM organisations WHERE id IN ({others})", "rss-01")
    names: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in await raw.rows(f"SELECT organisation_id, name, valid_from, valid_to FROM organisation_names "
                            f"WHERE organisation_id IN ({others}) ORDER BY position", "rss-01"):
        names[n["organisation_id"]].append(n)
    refs = {h["id"]: {**h, "name": (_name_on(names.get(h["id"], []), on) or {}).get("name")} for h in heads}
    by_post: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in contacts:
        by_post[c.pop("post_id")].append(c)
    held = {h.pop("post_id"): h for h in holders}
    placement_unknown = None
    if not any(r["kind"] in ("hosts", "employer_of") and r["object_id"] == "rss-01" for r in relations):
        # As the service does on such a date: the nearest hosts or employers, each named as it was then.
        placements = await raw.rows(
            "SELECT id, kind, subject_id, valid_from, valid_to, reported, evidence, attested, source, joint, unit_id, "
            "note FROM relations WHERE object_id = $1 AND kind IN ('hosts', 'employer_of') ORDER BY valid_from, id",
            "rss-01")
        last = max((r for r in placements if r["valid_to"] and r["valid_to"] <= on), key=lambda r: r["valid_to"],
                   default=None)
        following = min((r for r in placements if r["valid_from"] and r["valid_from"] > on),
                        key=lambda r: r["valid_from"], default=None)
        named = {}
        for relation, day in ((last, last and last["valid_to"] - timedelta(days=1)),
                              (following, following and following["valid_from"])):
            if relation is not None:
                head = (await raw.rows("SELECT id, kind, county_code FROM organisations WHERE id = $1",
                                       relation["subject_id"]))[0]
                own = await raw.rows("SELECT name, valid_from, valid_to FROM organisation_names "
                                     "WHERE organisation_id = $1 ORDER BY position", relation["subject_id"])
                named[relation["id"]] = {**relation, "organisation": {**head, "name": (_name_on(own, day) or {})
                                                                      .get("name")}}
        placement_unknown = {"note": "unknown", "last_before": last and named[last["id"]],
                             "next_after": following and named[following["id"]]}
    return orjson.dumps({
        "rss": rss, "as_of": on, "placement_unknown": placement_unknown, "etag": etag,
        "relations": [{**r, "organisation": refs.get(r["subject_id"] if r["object_id"] == "rss-01"
                                                     else r["object_id"])} for r in relations],
        "posts": [{**p, "organisation": refs.get(p["organisation_id"]), "contacts": by_post.get(p["id"], []),
                   "holder": held.get(p["id"])} for p in posts]})


RAW: dict[str, Callable[[Raw], Awaitable[bytes]]] = {
    "organisation": raw_organisation, "municipalities": raw_municipalities, "organisations": raw_organisations,
    "rss-stockholm-2019": raw_rss,
}


async def measure_raw(url: str, *, samples: int, rounds: int, warmup: int = 20) -> dict[str, float]:
    """Median ms per read, in this process: the queries and the serialisation, nothing else."""
    raw = Raw(url)
    await raw.open()
    try:
        per_round: dict[str, list[float]] = defaultdict(list)
        for _ in range(rounds):
            for name, read in RAW.items():
                for _ in range(warmup):
                    await read(raw)
                times = []
                for _ in range(samples):
                    started = time.perf_counter()
                    await read(raw)
                    times.append((time.perf_counter() - started) * 1000)
                per_round[name].append(statistics.median(times))
        return {name: statistics.median(values) for name, values in per_round.items()}
    finally:
        await raw.close()


def start(data_dir: Path, database: str) -> Stack:
    return start_reference_stack(data_dir, database, 0)


def start_baseline(checkout: Path, database: str) -> tuple[subprocess.Popen[bytes], str, str, int]:
    """A stack of another checkout, started by its own copy of this file; (process, gateway url, key, actors
    pid). Its output goes to a file: a pipe nobody reads would block its services' logging and their shutdown."""
    python = checkout / ".venv" / "bin" / "python"
    output = Path(tempfile.mkstemp(prefix="rss-bench-read-path-baseline-", suffix=".log")[1])
    with output.open("wb") as sink:
        process = subprocess.Popen([str(python if python.exists() else sys.executable), "-m", "bench.read_path",
                                    "--keep", "--database", database], cwd=checkout, stdout=sink,
                                   stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(checkout)})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and process.poll() is None:
        for line in output.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("stack running:"):
                words = line.split()
                output.unlink()  # the stack keeps writing to it, unseen, until it stops
                return (process, words[words.index("gateway") + 1], words[words.index("key") + 1],
                        int(words[words.index("actors-pid") + 1]))
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"the baseline stack in {checkout} did not start; its output is in {output}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per read and round")
    parser.add_argument("--keep", action="store_true",
                        help="only start the stack and print its gateway, actors pid and key; SIGTERM stops it")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also time the reads on a stack started from another checkout of the project (with "
                             "this file in it), in the same rounds: before and after a change, side by side")
    args = parser.parse_args()
    wrk = ensure_tool("wrk", "wrk")
    stack: Stack | None = None
    baseline: subprocess.Popen[bytes] | None = None
    results: dict[str, Any] = {"database": args.database, "load_average_before": load_average()}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that the stack is stopped below
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-read-path-") as tmp:
            stack = start(Path(tmp), args.database)
            gateways = {"": (stack.gateway_url, {"X-API-Key": stack.keys["skr-admin"]})}
            actors_pids = {"": stack.processes["actors"].pid}
            if args.keep:
                print(f"stack running: gateway {stack.gateway_url} actors-pid {stack.processes['actors'].pid} "
                      f"key {stack.keys['skr-admin']}", flush=True)
                while True:
                    time.sleep(3600)
            asyncio.run(measure_raw(stack.database_urls["actors"], samples=1, rounds=1, warmup=0))  # runs at all
            if args.baseline:
                baseline, url, key, pid = start_baseline(args.baseline, args.database)
                gateways["baseline "] = (url, {"X-API-Key": key})
                actors_pids["baseline "] = pid
            paths = {"service-info": SERVICE_INFO, **dict(READS)}
            sizes = {}
            for label, (url, headers) in gateways.items():
                for name, path in paths.items():
                    response = httpx.get(url + path, headers=headers, timeout=10)
                    response.raise_for_status()
                    sizes[label + name] = len(response.content)
                for path in paths.values():  # warm-up
                    run_wrk(wrk, url + path, headers, threads=1, connections=1, seconds=1)
            rounds: dict[str, list[float]] = defaultdict(list)
            # The actors process's CPU per request: steadier than the latency when other work shares the machine.
            cpu_rounds: dict[str, list[float]] = defaultdict(list)
            for _ in range(args.rounds):
                for name, path in paths.items():
                    for label, (url, headers) in gateways.items():
                        cpu_before = cpu_seconds([actors_pids[label]])
                        run = run_wrk(wrk, url + path, headers, threads=1, connections=1, seconds=args.seconds)
                        rounds[label + name].append(run["median_ms"])
                        cpu_rounds[label + name].append((cpu_seconds([actors_pids[label]]) - cpu_before) * 1000
                                                        / max(run["requests_per_s"] * args.seconds, 1))
            raw = asyncio.run(measure_raw(stack.database_urls["actors"], samples=200, rounds=args.rounds))
    finally:
        if baseline is not None:
            baseline.terminate()
            baseline.wait(timeout=60)
        if stack is not None:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    results["load_average_after"] = load_average()
    gateway = {name: statistics.median(values) for name, values in rounds.items()}
    results["reads"] = {}
    for label in gateways:
        for name, path in READS:
            budget = raw[name] + gateway[label + "service-info"]
            ratio = gateway[label + name] / budget
            results["reads"][label + name] = {
                "path": path, "bytes": sizes[label + name], "raw_ms": raw[name],
                "service_info_ms": gateway[label + "service-info"], "gateway_ms": gateway[label + name],
                "gateway_round_medians_ms": rounds[label + name], "ratio": ratio, "met": ratio <= GOAL,
                "actors_cpu_ms_per_request": statistics.median(cpu_rounds[label + name])}
    print(report(results))
    write_results("read-path", results)
    return 0


def report(results: dict[str, Any]) -> str:
    lines = ["", f"Reads through the gateway against their work ({results['database']}; median ms; load average "
                 f"{results['load_average_before']} before, {results['load_average_after']} after)",
             f"  {'read':29s} {'bytes':>7s} {'raw':>7s} {'info':>7s} {'read':>7s} {'ratio':>6s}  "
             f"{'verdict':8s} {'actors CPU/request':>18s}  (goal: read <= {GOAL:g} x (raw + info))"]
    for name, r in results["reads"].items():
        lines.append(f"  {name:29s} {r['bytes']:7d} {r['raw_ms']:7.3f} {r['service_info_ms']:7.3f} "
                     f"{r['gateway_ms']:7.3f} {r['ratio']:6.2f}  {'MET' if r['met'] else 'MISSED':8s} "
                     f"{r['actors_cpu_ms_per_request']:18.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
