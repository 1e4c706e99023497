"""`make bench` (reporting part): composing the national annual report, against the same questions asked one by
one through the gateway.

One platform (the four services and the gateway) on PostgreSQL (or SQLite) with the reference data and a year of
national data: funding made in its database by funding's own code (bench/funding.py's generator: a line split
between the 21 counties, requisitioned, paid and passed on to the 290 municipalities, reported spent, claimed back
and half repaid), and through the API a needs-survey round of the year to the 290 municipalities with most of them
answering (and a smaller round the year before), the 21 counties' status reports, and activities in every county.

Then, through the gateway:
  - compose: POST /reporting/reports for the year as of today, by the national administrator. Every request
    composes the whole report (the same facts then answer the same version). The first is cold (the reporting
    service keeps no answer yet); the next are warm (its client revalidates what it kept, as in production).
  - one by one: the very GETs a composition makes (recorded by composing once with a recording client), sent one
    after another, each answered in full, with reporting's own key.
Goal: composing takes at most 2x the sum of the underlying calls made one by one. Medians over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from bench.funding import generate, registry_municipalities
from bench.registry import CREATED_DATABASES, _postgres_admin, start_reference_stack
from bench.results_file import write_results
from deploy.stack import Stack
from services.reporting.composition.compose import Composer
from shared.service_client import PlatformAnswer, PlatformClient
from tests.surveys_requests import needs_answers
from tests.test_surveys_status_reports import report as status_report

GOAL = 2.0  # composing / the sum of its calls made one by one
YEAR = 2025
ANSWERING = 200  # of the 290 municipalities, in the year's round
ANSWERING_BEFORE = 60  # in the year before's
ACTIVITIES = 42


class RecordingClient(PlatformClient):
    """A platform client that notes every GET it sends (path and parameters), pages included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> PlatformAnswer:
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))
        self.asked.append(f"{path}?{query}" if query else path)
        return await super().get(path, params, what=what)


def today_in_sweden() -> date:
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


def fill(stack: Stack, municipalities: list[str]) -> dict[str, int]:
    """The year's surveys, status reports and activities, through the API."""
    admin = {"X-API-Key": stack.keys["skr-admin"]}
    made = {"responses": 0, "status_reports": 0, "activities": 0}
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
        for year, answering in ((YEAR - 1, ANSWERING_BEFORE), (YEAR, ANSWERING)):
            round_id = f"behov-{year}-{uuid.uuid4().hex[:6]}"
            client.post("/surveys/rounds", headers=admin, json={
                "id": round_id, "questionnaire_id": "behovsinventering", "version": 1,
                "title": f"Behovsinventering {year}", "opens_on": f"{year}-03-01", "closes_on": "2099-12-31",
                "targets": {"kind": "municipality"}}).raise_for_status()
            for n, code in enumerate(municipalities[:answering]):
                client.post(f"/surveys/rounds/{round_id}/responses",
                            headers={**admin, "Idempotency-Key": uuid.uuid4().hex},
                            json={"respondent_id": code, "answers": needs_answers(n), "submit": True}
                            ).raise_for_status()
                made["responses"] += 1
        opened = client.post("/surveys/status-reports", headers=admin, json={
            "year": YEAR, "opens_on": f"{YEAR}-11-01", "due_on": f"{YEAR + 1}-01-31", "closes_on": "2099-12-31"})
        opened.raise_for_status()
        counties = sorted({c["code"] for c in client.get("/actors/counties").json()["items"]})
        for n, county in enumerate(counties):
            client.post(f"/surveys/rounds/{opened.json()['round_id']}/responses",
                        headers={**admin, "Idempotency-Key": uuid.uuid4().hex},
                        json={"respondent_id": f"county-{county}", "answers": status_report(n), "submit": True,
                              "submitted_on": f"{YEAR + 1}-01-{10 + n % 20:02d}"}).raise_for_status()
            made["status_reports"] += 1
        rss = client.get("/actors/organisations", params={"kind": "rss", "limit": 500}, headers=admin).json()["items"]
        for n in range(ACTIVITIES):
            chosen = rss[n % len(rss)]
            client.post("/reporting/activities", headers=admin, json={
                "title": f"Länsträff {n + 1}", "kind": "meeting", "starts_on": f"{YEAR}-{1 + n % 12:02d}-15",
                "ends_on": f"{YEAR}-{1 + n % 12:02d}-15", "county_code": chosen["county_code"],
                "rss_ids": [chosen["id"]], "network_ids": ["network-aldre"]}).raise_for_status()
            made["activities"] += 1
    return made


async def recorded_calls(stack: Stack, on: date) -> tuple[list[str], int]:
    """The GETs one composition makes, in the order it made them; and its number of tables' rows."""
    client = RecordingClient(stack.gateway_url, stack.service_keys["service-reporting"], calls_per_request=10_000)
    try:
        composition = await Composer(client, concurrency=8, schema_url="bench").compose(YEAR, on, [])
    finally:
        await client.aclose()
    return client.asked, sum(len(t["rows"]) for t in composition.document["tables"])


def one_by_one(client: httpx.Client, calls: list[str], key: str) -> float:
    """Seconds to ask every call in turn, each answered in full."""
    started = time.perf_counter()
    for url in calls:
        client.get(url, headers={"X-API-Key": key}).raise_for_status()
    return time.perf_counter() - started


def compose(client: httpx.Client, admin: dict[str, str], on: date) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.post("/reporting/reports", headers=admin, json={"year": YEAR, "as_of": on.isoformat()})
    seconds = time.perf_counter() - started
    answer.raise_for_status()
    return seconds, answer.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql",
                        help="postgresql uses RSS_TEST_POSTGRES_URL's server (default 127.0.0.1:5432)")
    args = parser.parse_args()
    results: dict[str, Any] = {"database": args.database, "date": date.today().isoformat(), "year": YEAR,
                               "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    stack = None
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-reporting-") as tmp:
            print("starting the platform ...", flush=True)
            stack = start_reference_stack(Path(tmp), args.database, 1)
            municipalities = asyncio.run(registry_municipalities(stack))
            print(f"generating {YEAR}'s funding data ...", flush=True)
            results["ledger_entries"] = asyncio.run(generate(stack.database_urls["funding"], municipalities,
                                                             [YEAR]))
            print("answering surveys, status reports and activities through the API ...", flush=True)
            results["made"] = fill(stack, sorted(municipalities))
            on = today_in_sweden()
            calls, rows = asyncio.run(recorded_calls(stack, on))
            results["calls"], results["rows"] = len(calls), rows
            admin = {"X-API-Key": stack.keys["skr-admin"]}
            service_key = stack.service_keys["service-reporting"]
            with httpx.Client(base_url=stack.gateway_url, timeout=120) as client:
                cold, status = compose(client, admin, on)
                results["compose_cold_s"] = round(cold, 3)
                results["first_status"] = status
                one_by_one(client, calls, service_key)  # warm-up of the same path
                composed, sequential = [], []
                for _ in range(args.rounds):
                    composed.append(compose(client, admin, on)[0])
                    sequential.append(one_by_one(client, calls, service_key))
            results["compose_warm_s"] = round(statistics.median(composed), 3)
            results["one_by_one_s"] = round(statistics.median(sequential), 3)
            results["compose_rounds_s"] = [round(s, 3) for s in composed]
            results["one_by_one_rounds_s"] = [round(s, 3) for s in sequential]
    finally:
        if stack is not None:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    results["ratio_warm"] = round(results["compose_warm_s"] / results["one_by_one_s"], 3)
    results["ratio_cold"] = round(results["compose_cold_s"] / results["one_by_one_s"], 3)
    results["goal"] = GOAL
    results["met"] = results["ratio_warm"] <= GOAL and results["ratio_cold"] <= GOAL
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(report(results))
    write_results("reporting", results)
    return 0


def report(results: dict[str, Any]) -> str:
    return "\n".join([
        "",
        f"Composing the annual report of {results['year']} through the gateway ({results['database']}; "
        f"{results['calls']} calls to the platform, {results['rows']} table rows; ledger entries "
        f"{results['ledger_entries']}; {results['made']}; load average {results['load_average_before']} before, "
        f"{results['load_average_after']} after, on {os.cpu_count()} cores)",
        f"  the same calls one by one (median)      {results['one_by_one_s'] * 1000:9.1f} ms",
        f"  composing, warm (median)                {results['compose_warm_s'] * 1000:9.1f} ms  "
        f"{results['ratio_warm']:5.2f}x (goal <= {GOAL})",
        f"  composing, cold (the first)             {results['compose_cold_s'] * 1000:9.1f} ms  "
        f"{results['ratio_cold']:5.2f}x (goal <= {GOAL})",
        f"  {'MET' if results['met'] else 'MISSED'}",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
