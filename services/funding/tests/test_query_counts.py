"""The number of SQL statements a request sends does not grow with its rows: an allocation over 29 or 290
municipalities by population, and the national balance overview and the exports over 1 or 10 agreements of 290
shares each. In-process (the services on a migrated database of the test backend, a stand-in registry), counting
every statement the driver executes; no timing (speed is measured by `make bench`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import pytest

from services.funding import SERVICE_DIR
from services.funding.agreements.schemas import AgreementIn
from services.funding.agreements.service import AgreementService
from services.funding.allocation.schemas import AllocationCreate
from services.funding.allocation.service import AllocationService
from services.funding.exports.service import ExportService
from services.funding.ledger.service import Ledger
from services.funding.registry import Municipality, Registry
from shared.identity import Principal, Role
from shared.migrations import upgrade
from tests.query_counts import CountedDatabase

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
COUNTIES = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
            "22", "23", "24", "25"]
# 290 municipality codes spread over the 21 counties, with made-up populations
MUNICIPALITIES = [Municipality(code=f"{COUNTIES[i % 21]}{i // 21 + 10:02d}", name=f"Kommun {i}",
                               county_code=COUNTIES[i % 21], populations={2023: 2_500 + 97 * i})
                  for i in range(290)]


class StandInRegistry(Registry):
    """The registry's municipalities without a gateway."""

    def __init__(self) -> None:
        pass

    async def municipalities(self, county_code: str | None = None) -> dict[str, Municipality]:
        return {m.code: m for m in MUNICIPALITIES if county_code in (None, m.county_code)}


def agreement(year: int) -> AgreementIn:
    return AgreementIn.model_validate({
        "id": f"bench-{year}", "name": f"Stöd till RSS {year}", "registry_number": f"S{year}/0001",
        "first_year": year, "last_year": year, "areas": ["rss"],
        "lines": [{"id": f"bench-{year}-rss", "area": "rss", "year": year, "total": "290000000.00",
                   "allocation_key": "population", "requisition_last_date": f"{year}-12-31",
                   "report_due_date": f"{year + 1}-03-31"}]})


def allocation(year: int, municipalities: list[Municipality]) -> AllocationCreate:
    return AllocationCreate.model_validate({
        "id": f"bench-{year}-alloc-{len(municipalities)}", "total": "29000000.00", "key": "population",
        "basis_year": 2023, "recipients": [{"id": m.code} for m in municipalities]})


async def _counts(url: str) -> dict[str, list[int]]:
    db = CountedDatabase(url)
    counts: dict[str, list[int]] = {"allocation": [], "overview": [], "county overview": [], "shares export": [],
                                    "ledger export": [], "county shares export": []}
    try:
        years = list(range(2015, 2025))
        for year in years:
            await db.count(lambda s, y=year: AgreementService(s, ADMIN).create(agreement(y)))
        for size in (29, 290):
            body = allocation(2015, MUNICIPALITIES[:size])
            counts["allocation"].append(await db.count(
                lambda s, b=body: AllocationService(s, ADMIN, StandInRegistry()).create("bench-2015",
                                                                                         "bench-2015-rss", b)))
        for done, year in enumerate(years, start=1):
            if year != 2015:
                await db.count(lambda s, y=year: AllocationService(s, ADMIN, StandInRegistry()).create(
                    f"bench-{y}", f"bench-{y}-rss", allocation(y, MUNICIPALITIES)))
            if done in (1, 10):  # 1x and 10x data
                today = date.today()
                counts["overview"].append(await db.count(lambda s: Ledger(s).overview(today, "county", None)))
                counts["county overview"].append(await db.count(
                    lambda s: Ledger(s).overview(today, "agreement", "20")))
                counts["shares export"].append(await db.count(
                    lambda s, y=year: ExportService(s, ADMIN).shares(today, agreement_id=f"bench-{y}")))
                counts["ledger export"].append(await db.count(
                    lambda s, y=year: ExportService(s, ADMIN).ledger(agreement_id=f"bench-{y}")))
                counts["county shares export"].append(await db.count(
                    lambda s: ExportService(s, ADMIN).shares(today, county="20")))
        async with db.sessions() as session:
            rows = await ExportService(session, ADMIN).shares(date.today())
            assert len(rows[1]) == 29 + 290 * 10  # the data really is there, 10x
    finally:
        await db.engine.dispose()
    return counts


@pytest.fixture(scope="module")
def counts(new_database_url: Callable[[str], str]) -> dict[str, list[int]]:
    url = new_database_url("funding")
    upgrade(SERVICE_DIR, url)
    return asyncio.run(_counts(url))


@pytest.mark.parametrize("what", ["allocation", "overview", "county overview", "shares export", "ledger export",
                                  "county shares export"])
def test_statements_do_not_grow_with_the_rows(counts: dict[str, list[int]], what: str) -> None:
    small, large = counts[what]
    assert small == large, f"{what}: {small} statements at 1x data, {large} at 10x"
    assert large <= 20, f"{what}: {large} statements"
