"""`make bench` (imports part): CSV imports of organisations and people through the gateway, from an empty table
to 100,000 rows.

A fresh register (reference data only) takes files of fictional records one after another, so that each file
meets a larger table: 1,000, 4,000, 5,000, 10,000, 30,000 and 50,000 rows (100,000 in all), and then one more
file of 1,000 rows against the full table. Each step prints its rows per second; a flat column is the goal (an
import costs the same per row whatever the table holds), and so is at least 5,000 rows/s on PostgreSQL. The
50,000-row files are larger than the default import limit (5 MiB) of the service and of the gateway, which this
bench raises for both.

Before the steps, a warm-up file of 100 rows, as the other benches warm up before they measure: the first import
of a fresh process on a fresh connection pays once for what later ones find ready (the database plans the
lookups, the COPYs' column queries and the foreign keys' checks once per connection; 35-95 ms in
docs/benchmarks.md), which is not what the steps measure. Its time is printed and kept in the results, and the
table sizes count its rows.

Then the bulk writes of funding and surveys, in-process on the same platform's databases (built by the services'
migrations), through their repositories as a request makes them: an allocation's 290 shares
(`AllocationRepository.add_with_shares`, with the allocation itself), 290 ledger entries
(`LedgerRepository.append`) and a new response's 70 answers (`ResponseRepository.save`, with the response and its
history row). Each sample is one transaction, rolled back, so every sample meets the same tables; printed as the
median (and the fastest) milliseconds of BULK_SAMPLES samples after BULK_WARMUP, and the median's rows per second.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import httpx

from bench.registry import CREATED_DATABASES, _postgres_admin, postgres_urls
from bench.results_file import write_results
from deploy.stack import SERVICES, Stack, sqlite_urls
from services.funding.agreements.models import Agreement, FundingLine
from services.funding.allocation.models import Allocation
from services.funding.allocation.repository import AllocationRepository
from services.funding.ledger.repository import LedgerRepository
from services.surveys.questionnaires.models import QuestionnaireVersion
from services.surveys.responses.models import Response
from services.surveys.responses.repository import ResponseRepository
from services.surveys.responses.validation import AnswerRow
from services.surveys.rounds.models import Round
from shared.database import WRITE_OPTION, create_engine, create_sessionmaker
from tests.support import free_port

STEPS = (1_000, 4_000, 5_000, 10_000, 30_000, 50_000, 1_000)
GOAL_ROWS_PER_S = 5_000
WARMUP_ROWS = 100
WARMUP_FIRST = 900_000  # the warm-up's ids and organisation numbers, apart from the steps' 0-101,000
BODY_LIMIT = str(64 * 1024 * 1024)
ORG_HEADER = ["id", "kind", "name", "short_name", "county_code", "org_number", "valid_from", "note", "source"]
PEOPLE_HEADER = ["id", "given_name", "family_name", "email", "phone"]
BULK_WARMUP, BULK_SAMPLES = 5, 40
SHARES = ENTRIES = 290  # an allocation over every municipality
ANSWER_VALUES = 70  # bench/surveys.py's questionnaire: 60 questions, ten of them multiple choice with two values


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


def share_rows(allocation_id: str) -> list[dict[str, object]]:
    return [{"allocation_id": allocation_id, "position": n, "recipient_id": f"scb-{n:04d}",
             "recipient_name": f"Exempelby kommun {n} (Västra Götaland)", "county_code": f"{n % 21 + 1:02d}",
             "basis": "population", "weight": f"{1000 + n}/2913000", "exact": f"{41_000_000 + n}/{n + 7}",
             "amount_ore": 12_000_000_000 + n, "adjustment": f"{n}/{n + 7}",
             "payee_id": f"scb-{n:04d}" if n % 3 else None, "payee_name": f"Exempelby kommun {n}" if n % 3 else None,
             "payee_org_number": "212000-0000" if n % 3 else None} for n in range(1, SHARES + 1)]


def entry_rows(agreement_id: str) -> list[dict[str, object]]:
    at = datetime.now(timezone.utc)
    return [{"agreement_id": agreement_id, "position": n, "entry_type": "allocation", "reverses": None,
             "reversed_type": None, "entry_date": date(2026, 3, 1), "amount_ore": 12_000_000_000 + n,
             "provider": "skr", "receiver": f"scb-{n:04d}", "county_code": f"{n % 21 + 1:02d}",
             "document_type": "allocation", "document_id": "bench-allocation", "actor": "bench-admin",
             "request_id": "bench", "previous_hash": f"{n - 1:064x}", "recorded_at": at, "entry_hash": f"{n:064x}",
             "key_id": "bench-key"} for n in range(1, ENTRIES + 1)]


def answer_rows() -> list[AnswerRow]:
    rows = [AnswerRow(f"s{n:02d}", 0, number_value=Decimal(n % 5 + 1)) for n in range(20)]
    rows += [AnswerRow(f"v{n:02d}", 0, option_code="region") for n in range(20, 40)]
    rows += [AnswerRow(f"m{n:02d}", p, option_code=f"process-{p}") for n in range(40, 50) for p in (0, 1)]
    rows += [AnswerRow(f"n{n:02d}", 0, number_value=Decimal(n)) for n in range(50, 55)]
    rows += [AnswerRow(f"t{n:02d}", 0, text_value=f"Samverkan i länet, fråga {n}: vård och omsorg")
             for n in range(55, 58)]
    rows += [AnswerRow(f"d{n:02d}", 0, date_value=date(2026, 2, n - 50)) for n in range(58, 60)]
    assert len(rows) == ANSWER_VALUES
    return rows


async def _samples(url: str, write: Callable[[object, int], Awaitable[None]]) -> list[float]:
    """Milliseconds of `write(session, n)`, each in its own transaction, rolled back."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    times = []
    try:
        for n in range(BULK_WARMUP + BULK_SAMPLES):
            async with sessions() as session:
                await session.connection(execution_options={WRITE_OPTION: True})  # as a writing request
                started = time.perf_counter()
                await write(session, n)
                elapsed = time.perf_counter() - started
                await session.rollback()
            if n >= BULK_WARMUP:
                times.append(elapsed * 1000)
    finally:
        await engine.dispose()
    return times


async def _setup(url: str, records: list[object]) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            session.add_all(records)
            await session.commit()
    finally:
        await engine.dispose()


async def bulk_writes(urls: dict[str, str]) -> dict[str, dict[str, float]]:
    """The three bulk writes of funding and surveys, timed in-process (see the module's docstring)."""
    await _setup(urls["funding"], [
        Agreement(id="bench-agreement", name="Överenskommelse för mätning", registry_number="S2026/0000",
                  first_year=2026, last_year=2026, areas=["bench"], created_by="bench-admin"),
        FundingLine(id="bench-line", agreement_id="bench-agreement", area="bench", year=2026,
                    total_ore=3_500_000_000_000, allocation_key="population", requisition_last_date=date(2026, 11, 30),
                    report_due_date=date(2027, 3, 31))])
    await _setup(urls["surveys"], [
        QuestionnaireVersion(questionnaire_id="bench-q", version=1, status="published", title="Mätning",
                             items=[], created_by="bench-admin"),
        Round(id="bench-round", questionnaire_id="bench-q", version=1, title="Mätning 2026",
              opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31), created_by="bench-admin")])
    shares, entries, answers = share_rows("bench-allocation"), entry_rows("bench-agreement"), answer_rows()

    async def allocation(session, n: int) -> None:  # type: ignore[no-untyped-def]
        await AllocationRepository(session).add_with_shares(Allocation(
            id="bench-allocation", funding_line_id="bench-line", agreement_id="bench-agreement",
            total_ore=3_500_000_000_000, key="population", rounding="ore",
            basis={"source": "bench"}, created_by="bench-admin"), shares)

    async def ledger(session, n: int) -> None:  # type: ignore[no-untyped-def]
        await LedgerRepository(session).append(entries)

    async def response(session, n: int) -> None:  # type: ignore[no-untyped-def]
        new = Response(round_id="bench-round", respondent_id=f"scb-{n:04d}", county_code="20", status="submitted",
                       submitted_on=date(2026, 3, 2))
        await ResponseRepository(session).save(new, answers, revision_answers={"s00": 1}, late=False,
                                               recorded_at=datetime.now(timezone.utc), recorded_by="bench-admin")

    results = {}
    for name, url, rows, write in (("allocation shares", urls["funding"], SHARES, allocation),
                                   ("ledger entries", urls["funding"], ENTRIES, ledger),
                                   ("response answers", urls["surveys"], ANSWER_VALUES, response)):
        times = await _samples(url, write)
        median = statistics.median(times)
        results[name] = {"rows": rows, "median_ms": median, "fastest_ms": min(times),
                         "rows_per_s": rows / median * 1000}
        print(f"  {name:17s} {rows:3d} rows: median {median:6.2f} ms (fastest {min(times):6.2f}), "
              f"{rows / median * 1000:8,.0f} rows/s", flush=True)
    return results


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
    parser.add_argument("--bulk-only", action="store_true",
                        help="only the bulk writes of funding and surveys, not the registry's imports")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {}
    warmups: dict[str, dict[str, float]] = {}
    stack = None
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-imports-") as tmp:
            urls = sqlite_urls(Path(tmp)) if args.database == "sqlite" else postgres_urls(0)
            stack = Stack(data_dir=Path(tmp), database_urls=urls, environment="test", log_to_files=True,
                          ports={n: free_port() for n in ("gateway", *SERVICES)},
                          extra_env={"ACTORS_MAX_IMPORT_BODY_BYTES": BODY_LIMIT,
                                     "GATEWAY_MAX_IMPORT_BODY_BYTES": BODY_LIMIT})
            stack.prepare(demo=False)
            stack.ports = {n: free_port() for n in stack.ports}
            stack.start()
            stack.wait_ready()
            if not args.bulk_only:
                print(f"importing into a fresh register ({args.database}) ...", flush=True)
                results, warmups = run(stack)
            print(f"bulk writes of funding and surveys, in-process ({args.database}) ...", flush=True)
            bulk = asyncio.run(bulk_writes(urls))
    finally:
        if stack is not None:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if results:
        print(report(args.database, results))
    print(f"\nBulk writes of funding and surveys, in-process ({args.database}), median of {BULK_SAMPLES}")
    for name, figures in bulk.items():
        print(f"  {name:17s} {figures['rows']:3.0f} rows: {figures['median_ms']:6.2f} ms, "
              f"{figures['rows_per_s']:8,.0f} rows/s")
    write_results(f"imports-{args.database}", {"database": args.database, "steps": results, "warm_up": warmups,
                                               "bulk_writes": bulk})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
