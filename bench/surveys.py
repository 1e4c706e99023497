"""`make bench` (surveys part): needs surveys at national scale, on PostgreSQL.

Starts its own stack on fresh PostgreSQL databases (RSS_TEST_POSTGRES_URL's server, default 127.0.0.1:5432) and
a 60-item questionnaire, then measures
  - a submission burst: 290 municipalities each submitting a 60-item response at once (32 concurrent clients,
    every tenth request retried with its Idempotency-Key) through the gateway, against the same burst sent to the
    surveys service directly; bursts alternate between the two routes over several rounds. Every burst is
    checked in the database: 290 responses, one per municipality, none lost, none stored twice
    (goal: gateway throughput >= 60 % of direct);
  - the national distribution of each of 10 rounds x 290 respondents x 60 items (answers loaded with COPY),
    through the gateway and straight to the service, against the repository's own SQL sent to the database
    directly (goal: within 1.5x);
  - the number of SQL statements the distribution runs for a round of 15 respondents and one of 290 (goal: equal).
Prints its figures and writes bench/results/surveys-<timestamp>.json. A missed goal is reported, not a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bench.results_file import write_results
from deploy.stack import SERVICES, Stack
from services.surveys.aggregation.service import Aggregates
from services.surveys.codelists.reference import CODE_LISTS, LEVELS, PROCESSES
from shared.database import create_engine
from shared.identity import Principal, Role, sign_identity
from tests.support import free_port

POSTGRES_ADMIN_URL = os.environ.get("RSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
THROUGHPUT_GOAL = 0.60
AGGREGATION_GOAL = 1.5
CONCURRENCY = 32
QUESTIONNAIRE = "bench-behov-60"
LEVEL_CODES = [c[0] for c in next(e for e in CODE_LISTS if e["id"] == LEVELS)["codes"]]
PROCESS_CODES = [c[0] for c in next(e for e in CODE_LISTS if e["id"] == PROCESSES)["codes"]]
# The distribution's SQL as the repository sends it (parameters and all, so the server plans it alike): a round
# and its previous one counted by the same statements.
_ROUNDS = "responses.round_id IN ($2::VARCHAR, $3::VARCHAR) AND responses.status = $1::VARCHAR"
DISTRIBUTION_SQL = [
    f"SELECT responses.round_id, count(responses.id) FROM responses WHERE {_ROUNDS} GROUP BY responses.round_id",
    "SELECT responses.round_id, answers.link_id, count(DISTINCT answers.response_id), avg(answers.number_value) "
    f"FROM answers JOIN responses ON responses.id = answers.response_id WHERE {_ROUNDS} "
    "GROUP BY responses.round_id, answers.link_id",
    "SELECT responses.round_id, answers.link_id, answers.option_code, count(DISTINCT answers.response_id) "
    f"FROM answers JOIN responses ON responses.id = answers.response_id WHERE {_ROUNDS} "
    "AND answers.option_code IS NOT NULL GROUP BY responses.round_id, answers.link_id, answers.option_code",
    "SELECT responses.round_id, answers.link_id, answers.number_value, count(answers.id) "
    f"FROM answers JOIN responses ON responses.id = answers.response_id WHERE {_ROUNDS} "
    "AND answers.number_value IS NOT NULL GROUP BY responses.round_id, answers.link_id, answers.number_value",
]


def questionnaire() -> dict:
    items = []
    for n in range(20):
        items.append({"link_id": f"s{n:02d}", "text": f"Hur angeläget är behov {n}?", "type": "scale",
                      "required": True, "min_value": 1, "max_value": 5})
    for n in range(20, 40):
        items.append({"link_id": f"v{n:02d}", "text": f"Vilken nivå bör agera i fråga {n}?", "type": "single_choice",
                      "required": True, "code_list": LEVELS})
    for n in range(40, 50):
        items.append({"link_id": f"m{n:02d}", "text": f"Vilka processer behöver stöd i fråga {n}?",
                      "type": "multiple_choice", "code_list": PROCESSES})
    for n in range(50, 60):
        items.append({"link_id": f"n{n:02d}", "text": f"Hur många medarbetare berörs i fråga {n}?",
                      "type": "integer", "min_value": 0})
    return {"id": QUESTIONNAIRE, "title": "Behovsinventering, 60 frågor", "items": items}


def answers(k: int) -> dict:
    """The k-th respondent's 60 answers (70 stored values: a multiple choice has two)."""
    out: dict = {}
    for n in range(20):
        out[f"s{n:02d}"] = (k + n) % 5 + 1
    for n in range(20, 40):
        out[f"v{n:02d}"] = LEVEL_CODES[(k + n) % 3]
    for n in range(40, 50):
        out[f"m{n:02d}"] = [PROCESS_CODES[(k + n) % 9], PROCESS_CODES[(k + n + 4) % 9]]
    for n in range(50, 60):
        out[f"n{n:02d}"] = (k * 7 + n) % 40
    return out


async def _admin_sql(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def databases(created: list[str]) -> dict[str, str]:
    urls = {}
    server = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    for service in SERVICES:
        name = f"rss_bench_surveys_{service}_{os.getpid()}"
        asyncio.run(_admin_sql(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin_sql(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        created.append(name)
        urls[service] = f"{server.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    return urls


def plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def open_round(gateway: httpx.Client, admin: dict, opens_on: date, county: str | None = None) -> str:
    round_id = f"bench-{uuid.uuid4().hex[:10]}"
    created = gateway.post("/surveys/rounds", headers=admin, json={
        "id": round_id, "questionnaire_id": QUESTIONNAIRE, "version": 1, "title": "Bench", "opens_on":
        opens_on.isoformat(), "closes_on": "2099-12-31", "targets": {"kind": "municipality", "county": county}})
    created.raise_for_status()
    return round_id


async def burst(base: str, headers: dict, round_id: str, codes: list[str]) -> tuple[float, list[int]]:
    """Every municipality submits at once (CONCURRENCY clients); every tenth request is sent again with the same
    Idempotency-Key, as a client would after a lost answer. Returns seconds and the statuses."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    gate = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def send(k: int, code: str, key: str) -> int:
            async with gate:
                response = await client.post(f"/rounds/{round_id}/responses",
                                             headers={**headers, "Idempotency-Key": key},
                                             json={"respondent_id": code, "answers": answers(k), "submit": True})
                return response.status_code

        keys = [uuid.uuid4().hex for _ in codes]
        requests = [(k, code, keys[k]) for k, code in enumerate(codes)]
        requests += [(k, codes[k], keys[k]) for k in range(0, len(codes), 10)]
        started = time.perf_counter()
        statuses = await asyncio.gather(*(send(*r) for r in requests))
        return time.perf_counter() - started, list(statuses)


async def stored(database_url: str, round_id: str) -> tuple[int, int, int]:
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        row = await conn.fetchrow("SELECT count(*), count(DISTINCT respondent_id) FROM responses WHERE round_id = $1 "
                                  "AND status = 'submitted'", round_id)
        values = await conn.fetchval("SELECT count(*) FROM answers JOIN responses ON responses.id = "
                                     "answers.response_id WHERE round_id = $1", round_id)
        return int(row[0]), int(row[1]), int(values)
    finally:
        await conn.close()


async def load_answers(database_url: str, rounds: list[str], codes: list[str]) -> int:
    """Each round answered by every one of `codes`, written with COPY (the submission path is measured above)."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        next_id = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM responses")) + 1
        now = datetime.now(UTC)
        responses, values = [], []
        for round_id in rounds:
            for k, code in enumerate(codes):
                responses.append((next_id, round_id, code, code[:2], "submitted", "received", False, now, now, 1))
                for link_id, value in answers(k).items():
                    if isinstance(value, list):
                        values += [(next_id, link_id, p, c, None) for p, c in enumerate(value, start=1)]
                    elif isinstance(value, str):
                        values.append((next_id, link_id, 0, value, None))
                    else:
                        values.append((next_id, link_id, 0, None, Decimal(value)))
                next_id += 1
        await conn.copy_records_to_table("responses", records=responses, columns=[
            "id", "round_id", "respondent_id", "county_code", "status", "review_state", "late", "submitted_at",
            "updated_at", "revision"])
        await conn.copy_records_to_table("answers", records=values, columns=[
            "response_id", "link_id", "position", "option_code", "number_value"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT max(id) FROM responses))")
        await conn.execute("ANALYZE")
        return len(values)
    finally:
        await conn.close()


async def sql_distribution_ms(database_url: str, pairs: list[tuple[str, str]], repeats: int) -> float:
    """The median time of the distribution's queries sent straight to the database, per round (with its previous)."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        times = []
        for _ in range(repeats):
            for round_id, previous in pairs:
                started = time.perf_counter()
                for sql in DISTRIBUTION_SQL:
                    await conn.fetch(sql, "submitted", round_id, previous)
                times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
    finally:
        await conn.close()


def api_distribution_ms(routes: dict[str, tuple[str, dict]], rounds: list[str], repeats: int) -> dict[str, float]:
    """The median time of the distribution per route (through the gateway, straight to the service), the routes
    taking turns round by round over one keep-alive connection each."""
    times: dict[str, list[float]] = {route: [] for route in routes}
    clients = {route: httpx.Client(base_url=base, headers=headers, timeout=60)
               for route, (base, headers) in routes.items()}
    try:
        for _ in range(repeats):
            for round_id in rounds:
                for route, client in clients.items():
                    started = time.perf_counter()
                    client.get(f"/rounds/{round_id}/distribution").raise_for_status()
                    times[route].append((time.perf_counter() - started) * 1000)
    finally:
        for client in clients.values():
            client.close()
    return {route: statistics.median(found) for route, found in times.items()}


async def statements(database_url: str, round_id: str) -> int:
    """How many SQL statements the national distribution of a round runs."""
    engine = create_engine(database_url)
    count = 0

    def counted(*_args) -> None:  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    try:
        async with AsyncSession(engine) as session:
            await Aggregates(session, Principal(subject="bench", role=Role.NATIONAL_ADMIN)).distribution(round_id, None)
        return count
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=3, help="bursts per route, alternating")
    parser.add_argument("--repeats", type=int, default=5, help="passes over the 10 rounds' distributions")
    args = parser.parse_args()
    created: list[str] = []
    results: dict = {"database": "postgresql", "concurrency": CONCURRENCY}
    stack = None
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-surveys-") as tmp:
            urls = databases(created)
            stack = Stack(data_dir=Path(tmp), database_urls=urls, environment="test", log_to_files=True,
                          ports={n: free_port() for n in ("gateway", *SERVICES)})
            stack.prepare(demo=False)
            stack.ports = {n: free_port() for n in stack.ports}
            stack.start()
            stack.wait_ready()
            results |= run(stack, urls["surveys"], args)
    finally:
        if stack is not None:
            stack.stop()
        for name in created:
            asyncio.run(_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(report(results))
    write_results("surveys", results)
    return 0


def run(stack: Stack, surveys_url: str, args: argparse.Namespace) -> dict:
    admin = {"X-API-Key": stack.keys["skr-admin"]}
    direct = {"x-rss-identity": sign_identity(Principal(subject="bench-admin", role=Role.NATIONAL_ADMIN,
                                                        expires_at=4_000_000_000, audience="surveys"), stack.secret)}
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as gateway:
        gateway.post("/surveys/questionnaires", headers=admin, json=questionnaire()).raise_for_status()
        gateway.post(f"/surveys/questionnaires/{QUESTIONNAIRE}/versions/1/publish", headers=admin).raise_for_status()
        today = date.today()
        first = open_round(gateway, admin, today)
        codes = [t["organisation_id"] for t in gateway.get(f"/surveys/rounds/{first}/targets", headers=admin).json()]
        routes = {"gateway": (stack.gateway_url + "/surveys", admin), "direct": (stack.service_url("surveys"), direct)}
        bursts: dict[str, list[dict]] = {"gateway": [], "direct": []}
        for n in range(args.bursts):
            for route, (base, headers) in routes.items():
                round_id = first if (n, route) == (0, "gateway") else open_round(gateway, admin, today)
                seconds, statuses = asyncio.run(burst(base, headers, round_id, codes))
                kept, respondents, values = asyncio.run(stored(surveys_url, round_id))
                bursts[route].append({"seconds": round(seconds, 3), "requests": len(statuses),
                                      "per_second": round(len(statuses) / seconds, 1),
                                      "statuses": sorted(set(statuses)), "stored": kept,
                                      "respondents": respondents, "values": values})
        rates = {route: statistics.median(b["per_second"] for b in runs) for route, runs in bursts.items()}
        intact = all(b["stored"] == b["respondents"] == len(codes) and b["statuses"] == [201] and
                     b["values"] == len(codes) * 70 for runs in bursts.values() for b in runs)

        rounds = [open_round(gateway, admin, date(2016 + n, 1, 1)) for n in range(10)]
        small = open_round(gateway, admin, date(2026, 6, 1), county="20")
        dalarna = [c for c in codes if c.startswith("20")]
        loaded = asyncio.run(load_answers(surveys_url, rounds, codes))
        loaded += asyncio.run(load_answers(surveys_url, [small], dalarna))
        pairs = list(zip(rounds[1:], rounds[:-1], strict=True))
        api_distribution_ms(routes, [r for r, _ in pairs], 1)  # warm-up
        api_ms = api_distribution_ms(routes, [r for r, _ in pairs], args.repeats)
        sql_ms = asyncio.run(sql_distribution_ms(surveys_url, pairs, args.repeats))
        queries = {"15 respondents": asyncio.run(statements(surveys_url, small)),
                   "290 respondents": asyncio.run(statements(surveys_url, rounds[-1]))}
    return {"bursts": bursts, "per_second": rates, "throughput_ratio": round(rates["gateway"] / rates["direct"], 3),
            "none_lost_none_duplicated": intact, "aggregation": {
                "rounds": 10, "respondents": len(codes), "items": 60, "answer_rows": loaded,
                "api_median_ms": round(api_ms["gateway"], 2), "direct_median_ms": round(api_ms["direct"], 2),
                "sql_median_ms": round(sql_ms, 2), "ratio": round(api_ms["gateway"] / sql_ms, 3),
                "statements": queries}}


def report(results: dict) -> str:
    if "aggregation" not in results:
        return "the surveys benchmark did not finish"
    agg, ratio = results["aggregation"], results["throughput_ratio"]
    lines = ["", f"Surveys on PostgreSQL ({results['concurrency']} concurrent clients)",
             f"  submission burst, 290 x 60 items (+29 retries), median of {len(results['bursts']['direct'])} each:",
             f"    direct  {results['per_second']['direct']:8.1f} requests/s",
             f"    gateway {results['per_second']['gateway']:8.1f} requests/s",
             f"    gateway / direct: {ratio:.2f}  (goal >= {THROUGHPUT_GOAL}) "
             f"{'MET' if ratio >= THROUGHPUT_GOAL else 'MISSED'}",
             f"    every burst stored 290 responses, one per municipality: "
             f"{'yes' if results['none_lost_none_duplicated'] else 'NO'}",
             f"  national distribution of one round (with the previous round's), 10 rounds x {agg['respondents']} x "
             f"{agg['items']} items ({agg['answer_rows']} answer rows):",
             f"    through the gateway {agg['api_median_ms']:8.2f} ms   the service directly "
             f"{agg['direct_median_ms']:8.2f} ms   SQL directly {agg['sql_median_ms']:8.2f} ms",
             f"    API / SQL: {agg['ratio']:.2f}  (goal <= {AGGREGATION_GOAL}) "
             f"{'MET' if agg['ratio'] <= AGGREGATION_GOAL else 'MISSED'}",
             f"  SQL statements per distribution: {agg['statements']}  "
             f"{'MET' if len(set(agg['statements'].values())) == 1 else 'MISSED'} (the same for 15 and 290)"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
