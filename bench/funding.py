"""`make bench` (funding part): allocation over all municipalities, the national balance overview, and requisitions
racing for one share.

One platform (the services and the gateway) on SQLite or PostgreSQL with the reference data. Funding data is
generated in its database by the funding service's own code, in-process (agreements, allocations and ledger
entries through the same services and ledger the API uses, so the hash chains are real), for 10 years of
agreements: each year a line split equally between the 21 counties (an allocation), every county's share
requisitioned and paid and passed on to its municipalities by population (the registry's 290), each
municipality reporting 90 % spent, the rest claimed back and half of that repaid: about 1,000 ledger entries a
year. Through the gateway, side by side in one run with the bare counties list (GET /actors/counties), it times
  - the national balance overview (GET /funding/balances, per county) at 1 year of data and at 10 years;
  - a preview and a saved allocation of one funding line over all 290 municipalities by the registry's
    populations (the registry answered through the gateway, as in production), next to the bare GET of the
    reference data it works from, the same 290 municipalities with their populations
    (GET /actors/municipalities?limit=500), in the same rounds.
Goal: the overview within 2x the counties list; the preview within 2x the municipalities list (the same rows of
the same reference data; the counties list, 21 rows, is printed beside it); but the save, which cannot be: it
writes 290 shares, 290 hash-chained ledger entries, the running totals and the answer kept for its
Idempotency-Key in one transaction (on this machine's PostgreSQL the inserts alone cost several counties lists).
Its own goal: within 3x the preview of the same split in the same rounds (writing costs at most twice what
reading the registry and computing costs), read with the preview's own line, since a slow preview makes that
ratio small. Then 100 requisitions are sent at once against one share that has room for 66 of them: 66 must be
stored, 34 refused with 409, and the share's requisitioned total must be exact.
Latency is the median of sequential requests over one keep-alive connection after a warm-up, paths taking turns
over several rounds. The query counts of the overview and the allocation are a test, not a benchmark
(services/funding/tests/test_query_counts.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx

from bench.registry import CREATED_DATABASES, _postgres_admin, start_reference_stack
from bench.results_file import write_results
from deploy.stack import Stack
from services.funding.agreements.schemas import AgreementIn
from services.funding.agreements.service import STATE, AgreementService
from services.funding.allocation.engine import AllocationKey, Recipient, allocate
from services.funding.allocation.schemas import AllocationCreate
from services.funding.allocation.service import AllocationService
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger, NewEntry
from services.funding.registry import Municipality, Registry
from shared.database import create_engine, create_sessionmaker
from shared.identity import Principal, Role
from shared.registry_client import RegistryClient
from shared.service_client import PlatformClient
from tests.funding_requests import register_receiver

GOAL = 2.0  # a funding request / the counties list
SAVE_GOAL = 3.0  # the saved allocation / the preview of the same split
YEARS = list(range(2015, 2025))
COUNTY_TOTAL_ORE = 10_000_000_00  # each county's share of a year's line
ADMIN = Principal(subject="bench-generator", role=Role.NATIONAL_ADMIN)
COUNTIES = "/actors/counties"
# The reference data an allocation by population works from: the same 290 municipalities with their populations.
MUNICIPALITIES = "/actors/municipalities?limit=500"
OVERVIEW = "/funding/balances?by=county"
PREVIEW = "POST /funding/…/allocations/preview (290 municipalities, population)"
SAVE = "POST /funding/…/allocations (290 municipalities, population, saved)"
RACERS, SHARE, ASKED = 100, "100000.00", "1500.00"  # room for 66


class KnownCounties(Registry):
    """County names for the generator; municipalities come from the registry through the gateway."""

    def __init__(self, municipalities: dict[str, Municipality]) -> None:
        self._municipalities = municipalities

    async def municipalities(self, county_code: str | None = None) -> dict[str, Municipality]:
        return {c: m for c, m in self._municipalities.items() if county_code in (None, m.county_code)}

    async def county_names(self) -> dict[str, str]:
        return {m.county_code: f"County {m.county_code}" for m in self._municipalities.values()}


async def registry_municipalities(stack: Stack) -> dict[str, Municipality]:
    client = PlatformClient(stack.gateway_url, stack.keys["dashboard"])
    try:
        return await RegistryClient(client).municipalities()
    finally:
        await client.aclose()


def latest_population(municipality: Municipality) -> int:
    return municipality.populations[max(municipality.populations)]


async def generate(database_url: str, municipalities: dict[str, Municipality], years: list[int]) -> int:
    """Funding data for `years`, through funding's services and ledger; answers the number of ledger entries."""
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    counties = sorted({m.county_code for m in municipalities.values()})
    registry = KnownCounties(municipalities)
    entries = 0
    try:
        for year in years:
            agreement_id, line_id = f"bench-{year}", f"bench-{year}-rss"
            async with sessions() as session:
                await AgreementService(session, ADMIN).create(AgreementIn.model_validate({
                    "id": agreement_id, "name": f"Stöd till regional utveckling {year}",
                    "registry_number": f"S{year}/04711", "first_year": year, "last_year": year, "areas": ["rss"],
                    "lines": [{"id": line_id, "area": "rss", "year": year,
                               "total": str(len(counties) * COUNTY_TOTAL_ORE // 100), "allocation_key": "equal",
                               "requisition_last_date": f"{year}-12-31", "report_due_date": f"{year + 1}-03-31"}]}))
                await AllocationService(session, ADMIN, registry).create(agreement_id, line_id, AllocationCreate(
                    id=f"{line_id}-counties", key=AllocationKey.EQUAL, rounding="ore",
                    recipients=[{"id": c} for c in counties]))
                new: list[NewEntry] = []
                for county in counties:
                    mine = sorted(c for c, m in municipalities.items() if m.county_code == county)
                    for kind in (EntryType.REQUISITION, EntryType.DISBURSEMENT):
                        new.append(NewEntry(kind, COUNTY_TOTAL_ORE, STATE, county, county, "bench", f"{year}-{county}",
                                            date(year, 3, 1)))
                    split = allocate(COUNTY_TOTAL_ORE, [Recipient(c, latest_population(municipalities[c]))
                                                        for c in mine], key=AllocationKey.POPULATION)
                    for share in split.shares:
                        spent = share.amount * 9 // 10
                        claim = share.amount - spent
                        for kind, amount, day in ((EntryType.DISTRIBUTION, share.amount, date(year, 4, 1)),
                                                  (EntryType.EXPENDITURE, spent, date(year + 1, 3, 1)),
                                                  (EntryType.REPAYMENT_CLAIM, claim, date(year + 1, 3, 1)),
                                                  (EntryType.REPAYMENT, claim // 2, date(year + 1, 4, 1))):
                            new.append(NewEntry(kind, amount, county, share.recipient_id, county, "bench",
                                                f"{year}-{share.recipient_id}", day))
                await Ledger(session).record_all(ADMIN, agreement_id, new)
                entries += len(new) + 1 + len(counties)
                await session.commit()
    finally:
        await engine.dispose()
    return entries


def median_ms(send: Callable[[], httpx.Response], *, warmup: int, samples: int) -> float:
    for _ in range(warmup):
        send().raise_for_status()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        answer = send()
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return statistics.median(times)


def allocation_requests(client: httpx.Client, admin: dict[str, str], municipalities: list[str]
                        ) -> dict[str, Callable[[], httpx.Response]]:
    """A preview and a save over all municipalities, of a line large enough for every save of the run."""
    agreement_id = f"bench-alloc-{uuid.uuid4().hex[:6]}"
    created = client.post("/funding/agreements", headers=admin, json={
        "id": agreement_id, "name": "Allokering till alla kommuner", "registry_number": "S2025/1",
        "first_year": 2025, "last_year": 2025, "areas": ["kommuner"],
        "lines": [{"id": agreement_id + "-line", "area": "kommuner", "year": 2025, "total": "1000000000.00",
                   "allocation_key": "population", "requisition_last_date": "2099-12-31",
                   "report_due_date": "2099-12-31"}]})
    created.raise_for_status()
    url = f"/funding/agreements/{agreement_id}/lines/{agreement_id}-line/allocations"
    body = {"total": "2900000.00", "key": "population", "basis_year": 2023, "rounding": "ore",
            "recipients": [{"id": code} for code in municipalities]}

    def save() -> httpx.Response:
        return client.post(url, json={"id": f"a-{uuid.uuid4().hex[:12]}", **body},
                           headers={**admin, "Idempotency-Key": uuid.uuid4().hex})

    return {PREVIEW: lambda: client.post(url + "/preview", json=body, headers=admin), SAVE: save}


def measure(client: httpx.Client, requests: dict[str, Callable[[], httpx.Response]], *, warmup: int, samples: int,
            rounds: int) -> dict[str, float]:
    """Median of the rounds' medians per request; the requests take turns, round by round."""
    figures: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(rounds):
        for name, send in requests.items():
            figures[name].append(median_ms(send, warmup=warmup, samples=samples))
    return {name: statistics.median(values) for name, values in figures.items()}


def race(stack: Stack) -> dict[str, object]:
    """100 requisitions at once against one share with room for 66 of them."""
    admin, county = {"X-API-Key": stack.keys["skr-admin"]}, {"X-API-Key": stack.keys["county-20"]}
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
        receiver = register_receiver(client, admin, county="20", name="Region Dalarna (bench receiver)")
        agreement_id = f"bench-race-{uuid.uuid4().hex[:6]}"
        client.post("/funding/agreements", headers=admin, json={
            "id": agreement_id, "name": "Rekvisitioner samtidigt", "registry_number": "S2025/2", "first_year": 2025,
            "last_year": 2025, "areas": ["rss"], "lines": [{
                "id": agreement_id + "-line", "area": "rss", "year": 2025, "total": SHARE, "allocation_key": "fixed",
                "requisition_last_date": "2099-12-31", "report_due_date": "2099-12-31"}]}).raise_for_status()
        allocation = client.post(f"/funding/agreements/{agreement_id}/lines/{agreement_id}-line/allocations",
                                 headers={**admin, "Idempotency-Key": uuid.uuid4().hex},
                                 json={"id": agreement_id + "-alloc", "total": SHARE, "key": "equal",
                                       "recipients": [{"id": receiver["id"]}]})
        allocation.raise_for_status()

    async def fire() -> tuple[list[httpx.Response], float]:
        limits = httpx.Limits(max_connections=RACERS)
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=120, limits=limits) as client:
            started = time.perf_counter()
            answers = await asyncio.gather(*(client.post("/funding/requisitions", headers={
                **county, "Idempotency-Key": uuid.uuid4().hex}, json={
                "id": f"req-{uuid.uuid4().hex[:12]}", "allocation_id": agreement_id + "-alloc",
                "recipient_id": receiver["id"], "amount": ASKED, "signed_by": receiver["signatory"]})
                for _ in range(RACERS)))
            return answers, time.perf_counter() - started

    answers, seconds = asyncio.run(fire())
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
        balances = client.get(f"/funding/agreements/{agreement_id}/balances", params={"by": "recipient"},
                              headers=county).json()
        intact = client.get(f"/funding/agreements/{agreement_id}/ledger/verify", headers=county).json()["intact"]
    statuses = [a.status_code for a in answers]
    requisitioned = next(g["requisitioned"] for g in balances["groups"] if g["group"] == receiver["id"])
    room = int(Decimal(SHARE) // Decimal(ASKED))
    return {"requests": RACERS, "stored": statuses.count(201), "refused_409": statuses.count(409),
            "other": sorted(s for s in statuses if s not in (201, 409)), "expected_stored": room,
            "requisitioned": requisitioned, "expected_requisitioned": f"{Decimal(ASKED) * room:.2f}",
            "ledger_intact": intact, "seconds": round(seconds, 2)}


def start(data_dir: Path, database: str) -> Stack:
    return start_reference_stack(data_dir, database, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30, help="requests timed per path and round")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql uses RSS_TEST_POSTGRES_URL's server (default 127.0.0.1:5432)")
    args = parser.parse_args()
    results: dict[str, object] = {"database": args.database, "date": date.today().isoformat(),
                                  "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    stack = None
    try:
        with tempfile.TemporaryDirectory(prefix="rss-bench-funding-") as tmp:
            print("starting the platform ...", flush=True)
            stack = start(Path(tmp), args.database)
            municipalities = asyncio.run(registry_municipalities(stack))
            admin = {"X-API-Key": stack.keys["skr-admin"]}
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
                counties = lambda: client.get(COUNTIES)  # noqa: E731
                overview = lambda: client.get(OVERVIEW, headers=admin)  # noqa: E731
                for label, years in (("1 year", YEARS[:1]), ("10 years", YEARS[1:])):
                    print(f"generating {label} of funding data ...", flush=True)
                    entries = asyncio.run(generate(stack.database_urls["funding"], municipalities, years))
                    results.setdefault("ledger_entries", {})[label] = entries  # type: ignore[union-attr]
                    results[f"median_ms ({label})"] = measure(client, {COUNTIES: counties, OVERVIEW: overview},
                                                              warmup=args.warmup, samples=args.samples,
                                                              rounds=args.rounds)
                print("timing allocations over all municipalities ...", flush=True)
                results["median_ms (allocation)"] = measure(
                    client, {COUNTIES: counties, MUNICIPALITIES: lambda: client.get(MUNICIPALITIES),
                             **allocation_requests(client, admin, sorted(municipalities))},
                    warmup=args.warmup, samples=args.samples, rounds=args.rounds)
            print(f"{RACERS} requisitions at once ...", flush=True)
            results["race"] = race(stack)
    finally:
        if stack is not None:
            stack.stop()
        for name in CREATED_DATABASES:
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    results["municipalities"] = len(municipalities)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(report(results))
    write_results("funding", results)
    return 0


def report(results: dict) -> str:
    lines = ["", f"Funding through the gateway (median ms, sequential requests, {results['database']}; "
                 f"{results['municipalities']} municipalities, ledger entries {results['ledger_entries']}; "
                 f"load average {results['load_average_before']} before, {results['load_average_after']} after, "
                 f"on {os.cpu_count()} cores)", ""]
    for label in ("1 year", "10 years", "allocation"):
        figures = results[f"median_ms ({label})"]
        base = figures[COUNTIES]
        for name, ms in figures.items():
            if name in (COUNTIES, MUNICIPALITIES):
                lines.append(f"  [{label}] {name:70s} {ms:8.2f}")
                continue
            if name == PREVIEW:
                # Held to the bare GET of the reference data it works from; the counties list beside it.
                to_list = ms / figures[MUNICIPALITIES]
                lines.append(f"  [{label}] {name:70s} {ms:8.2f}  {to_list:5.2f}x the municipalities list (goal <= "
                             f"{GOAL}) {'MET' if to_list <= GOAL else 'MISSED'}; {ms / base:5.2f}x the counties list")
                continue
            ratio = ms / base
            if name == SAVE:
                # Read with the preview's line: a slow preview makes this ratio small.
                to_preview = ms / figures[PREVIEW]
                preview_met = figures[PREVIEW] / figures[MUNICIPALITIES] <= GOAL
                verdict = "MET" if to_preview <= SAVE_GOAL else "MISSED"
                lines.append(f"  [{label}] {name:70s} {ms:8.2f}  {ratio:5.2f}x the counties list; {to_preview:5.2f}x "
                             f"the preview (its own goal <= {SAVE_GOAL}) {verdict}"
                             f"{'' if preview_met else ', but the preview misses its goal'}")
                continue
            lines.append(f"  [{label}] {name:70s} {ms:8.2f}  {ratio:5.2f}x the counties list (goal <= {GOAL}) "
                         f"{'MET' if ratio <= GOAL else 'MISSED'}")
    growth = results["median_ms (10 years)"][OVERVIEW] / results["median_ms (1 year)"][OVERVIEW]
    lines.append(f"  overview at 10 years / at 1 year: {growth:.2f}")
    race_ = results["race"]
    ok = (race_["stored"] == race_["expected_stored"] and race_["refused_409"] == RACERS - race_["expected_stored"]
          and race_["requisitioned"] == race_["expected_requisitioned"] and race_["ledger_intact"])
    lines.append(f"  {RACERS} requisitions of {ASKED} at once against a share of {SHARE}: {race_['stored']} stored, "
                 f"{race_['refused_409']} refused (409), other {race_['other']}; requisitioned "
                 f"{race_['requisitioned']} (expected {race_['expected_requisitioned']}); ledger intact "
                 f"{race_['ledger_intact']}; {race_['seconds']} s  {'MET' if ok else 'MISSED'}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
