"""`make bench` (registry part): the actor registry under a realistic load of people and memberships.

Builds two registers side by side, each with the full reference data plus generated fictional people and
memberships: 1x (5,000 people, 20,000 memberships) and 10x (50,000 and 200,000). Through the gateway it times
  - the as-of lookup of a county's representatives in a network, against the bare counties list (goal: <= 2x),
    asked repeatedly (answered from the replica's memory while the register is unchanged) and on a new date
    each time (the query runs every time);
  - list pages of organisations, posts, memberships and people at 1x and 10x (goal: a page costs the same).
Latency is the median of sequential requests over one keep-alive connection, after a warm-up; the two
registers take turns over several rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import insert, select, text

from bench.results_file import write_results
from deploy.stack import SERVICES, Stack, sqlite_urls
from services.actors.organisations.models import Organisation, OrganisationKind
from services.actors.people.models import Person
from services.actors.posts.models import Membership, Post, PostRole
from shared.database import create_engine
from shared.text_search import fold_for_search
from tests.support import free_port

POSTGRES_ADMIN_URL = os.environ.get("RSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
CREATED_DATABASES: list[str] = []
REPRESENTATIVES_GOAL = 2.0  # representatives lookup / counties list
PAGE_GROWTH_GOAL = 1.5  # a page at 10x data / the same page at 1x
YEARS = list(range(2014, 2024))  # each generated post changes holder every year
LIST_PATHS = ["/actors/organisations?limit=50", "/actors/posts?limit=50", "/actors/memberships?limit=50",
              "/actors/people?limit=50"]
REPRESENTATIVES = "/actors/representatives?county=01&network=network-rss&as_of=2019-11-01"
# The same lookup on a date not asked before, every time: no replica holds its answer, so each request runs
# the query (the repeated lookup above is answered from the replica's memory while the register is unchanged).
REPRESENTATIVES_NEW_DATE = "/actors/representatives?county=01&network=network-rss&as_of=<a new date each time>"
COUNTIES = "/actors/counties"
_new_dates = (date(2016, 1, 1) + timedelta(days=n) for n in itertools.count())


def _request_path(path: str) -> str:
    if path == REPRESENTATIVES_NEW_DATE:
        return path.split("as_of=")[0] + f"as_of={next(_new_dates).isoformat()}"
    return path


async def generate(database_url: str, *, people: int, memberships: int, seed: int = 2019) -> dict[str, int]:
    """Fictional people holding seats in the national networks on behalf of municipalities, one year each."""
    rng = random.Random(seed)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        networks = (await conn.scalars(select(Organisation.id).where(
            Organisation.kind == OrganisationKind.NATIONAL_NETWORK.value).order_by(Organisation.id))).all()
        municipalities = (await conn.scalars(select(Organisation.id).where(
            Organisation.kind == OrganisationKind.MUNICIPALITY.value).order_by(Organisation.id))).all()
        roles = [r.value for r in PostRole]
        # Every municipality gets a seat in every network before any gets a second role: at 1x Stockholm county's
        # 26 municipalities each hold an ordinary seat in each network.
        seats = [(n, m, r) for r in roles for m in municipalities for n in networks]
        posts_needed = memberships // len(YEARS)
        if posts_needed > len(seats):
            raise SystemExit(f"only {len(seats)} distinct seats for {posts_needed} posts")
        now = datetime.now(timezone.utc)
        person_rows = [{"id": f"bench-person-{i:06d}", "given_name": "Bench", "family_name": f"Person {i}",
                        "search_name": fold_for_search(f"Bench Person {i}"), "email": f"bench.{i}@example.org",
                        "version": 1, "created_at": now, "updated_at": now} for i in range(people)]
        post_rows, membership_rows = [], []
        for i, (network, municipality, role) in enumerate(seats[:posts_needed]):
            post_id = f"bench-post-{i:06d}"
            post_rows.append({"id": post_id, "organisation_id": network, "role": role, "label": "Bench seat",
                              "on_behalf_of_id": municipality, "version": 1, "created_at": now, "updated_at": now})
            for year in YEARS:
                membership_rows.append({
                    "id": f"bench-m-{i:06d}-{year}", "post_id": post_id,
                    "person_id": f"bench-person-{rng.randrange(people):06d}", "valid_from": date(year, 1, 1),
                    "valid_to": date(year + 1, 1, 1), "version": 1, "created_at": now, "updated_at": now})
        for table, rows in ((Person, person_rows), (Post, post_rows), (Membership, membership_rows)):
            for start in range(0, len(rows), 5000):
                await conn.execute(insert(table), rows[start:start + 5000])
    await engine.dispose()
    return {"people": len(person_rows), "posts": len(post_rows), "memberships": len(membership_rows)}


async def _analyze(url: str) -> None:
    """Fresh statistics after the bulk load, as autovacuum would gather them in production."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()
    await engine.dispose()


def median_ms(client: httpx.Client, path: str, headers: dict[str, str], *, warmup: int, samples: int) -> float:
    for _ in range(warmup):
        client.get(_request_path(path), headers=headers).raise_for_status()
    times = []
    for _ in range(samples):
        url = _request_path(path)
        started = time.perf_counter()
        client.get(url, headers=headers).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(stacks: dict[str, Stack], *, warmup: int, samples: int, rounds: int) -> dict[str, dict[str, float]]:
    """Median per path and register; the registers take turns, round by round, so that a passing disturbance
    of the machine does not land on one of them only. The figure is the median of the rounds' medians."""
    clients = {label: httpx.Client(base_url=stack.gateway_url, timeout=30) for label, stack in stacks.items()}
    headers = {label: {"X-API-Key": stack.keys["skr-admin"]} for label, stack in stacks.items()}
    rounds_ms: dict[str, dict[str, list[float]]] = {label: {} for label in stacks}
    try:
        for path in [COUNTIES, REPRESENTATIVES, REPRESENTATIVES_NEW_DATE, *LIST_PATHS]:
            for _ in range(rounds):
                for label, client in clients.items():
                    rounds_ms[label].setdefault(path, []).append(
                        median_ms(client, path, headers[label], warmup=warmup, samples=samples))
    finally:
        for client in clients.values():
            client.close()
    return {label: {path: statistics.median(values) for path, values in paths.items()}
            for label, paths in rounds_ms.items()}


async def _postgres_admin(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_urls(scale: int) -> dict[str, str]:
    """Fresh PostgreSQL databases for one register (dropped again at the end)."""
    urls = {}
    for service in SERVICES:
        name = f"rss_bench_{service}_x{scale}_{os.getpid()}"
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        server = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        urls[service] = f"{server}/{name}"
        CREATED_DATABASES.append(name)
    return urls


def start_reference_stack(data_dir: Path, database: str, scale: int = 0) -> Stack:
    """A platform with the shipped reference data and no demo people, on fresh databases; ports chosen after the
    set-up (see start)."""
    urls = sqlite_urls(data_dir) if database == "sqlite" else postgres_urls(scale)
    stack = Stack(data_dir=data_dir, database_urls=urls, environment="test", log_to_files=True,
                  ports={n: free_port() for n in ("gateway", *SERVICES)})
    stack.prepare(demo=False)
    stack.ports = {n: free_port() for n in stack.ports}
    stack.start()
    stack.wait_ready()
    return stack


def start(data_dir: Path, scale: int, database: str) -> tuple[Stack, dict[str, int]]:
    urls = sqlite_urls(data_dir) if database == "sqlite" else postgres_urls(scale)
    stack = Stack(data_dir=data_dir, database_urls=urls, environment="test", log_to_files=True,
                  ports={n: free_port() for n in ("gateway", *SERVICES)})
    stack.prepare(demo=False)
    counts = asyncio.run(generate(urls["actors"], people=5_000 * scale, memberships=20_000 * scale))
    if database == "postgresql":
        asyncio.run(_analyze(urls["actors"]))
    # Ports are chosen only now: one chosen before the load could meanwhile be taken as the source port of a
    # database connection (seen: "address already in use" when the service started).
    stack.ports = {n: free_port() for n in stack.ports}
    stack.start()
    stack.wait_ready()
    return stack, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="requests timed per path, register and round")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql uses RSS_TEST_POSTGRES_URL's server (default 127.0.0.1:5432)")
    args = parser.parse_args()
    stacks: list[Stack] = []
    results: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-registry-") as tmp:
            for scale in (1, 10):
                print(f"building the {scale}x register ...", flush=True)
                stack, counts = start(Path(tmp) / f"x{scale}", scale, args.database)
                stacks.append(stack)
                results[f"{scale}x"] = {"data": counts}
            medians = measure({"1x": stacks[0], "10x": stacks[1]}, warmup=args.warmup, samples=args.samples,
                              rounds=args.rounds)
            for label, figures in medians.items():
                results[label]["median_ms"] = figures
    finally:
        for stack in stacks:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    results["database"] = args.database  # type: ignore[assignment]
    print(report(results))
    write_results("registry", results)
    return 0


def report(results: dict[str, dict]) -> str:
    one, ten = results["1x"]["median_ms"], results["10x"]["median_ms"]
    lines = ["", f"Actor registry through the gateway (median ms, sequential requests, {results['database']})",
             f"  data 1x: {results['1x']['data']}", f"  data 10x: {results['10x']['data']}", "",
             f"  {'request':58s} {'1x':>8s} {'10x':>8s} {'10x/1x':>7s}"]
    for path in one:
        lines.append(f"  {path:58s} {one[path]:8.2f} {ten[path]:8.2f} {ten[path] / one[path]:7.2f}")
    growth = max(ten[p] / one[p] for p in LIST_PATHS)
    lines.append("")
    for label, path in (("repeated", REPRESENTATIVES), ("a new date each time", REPRESENTATIVES_NEW_DATE)):
        ratio = one[path] / one[COUNTIES]
        lines.append(f"  representatives ({label}) / counties list at 1x: {ratio:.2f}  (goal <= "
                     f"{REPRESENTATIVES_GOAL}) {'MET' if ratio <= REPRESENTATIVES_GOAL else 'MISSED'}")
    lines += [
              f"  worst list page 10x / 1x: {growth:.2f}  (goal <= {PAGE_GROWTH_GOAL}: a page does not grow with "
              f"the data) {'MET' if growth <= PAGE_GROWTH_GOAL else 'MISSED'}"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
