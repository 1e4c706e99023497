"""The national overview reads running totals less what is dated after its date: for any date, grouping and
county it answers exactly what summing the entries dated by then answers, reversals and entries without a county
included, and a group shows only once it has an entry by then."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import pytest

from services.funding import SERVICE_DIR
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import BALANCE_OF, Ledger, NewEntry
from shared.database import create_engine, create_sessionmaker
from shared.identity import Principal, Role
from shared.migrations import upgrade

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
DAYS = [date(2015, 3, 1), date(2020, 6, 30), date(2099, 1, 1)]
ENTRIES = [  # agreement, type, amount, receiver, county, day
    ("a-1", EntryType.COMMITMENT, 900_00, "agency", None, DAYS[0]),
    ("a-1", EntryType.ALLOCATION, 500_00, "2080", "20", DAYS[0]),
    ("a-1", EntryType.ALLOCATION, 400_00, "0180", "01", DAYS[1]),
    ("a-2", EntryType.REQUISITION, 120_00, "2080", "20", DAYS[1]),
    ("a-2", EntryType.DISBURSEMENT, 75_00, "0180", "01", DAYS[2]),  # dated in the future
]


def by_hand(as_of: date, by: str, county: str | None) -> dict[str | None, dict[str, int]]:
    groups: dict[str | None, dict[str, int]] = {}
    for agreement, kind, amount, receiver, county_code, day in ENTRIES + [("a-2", EntryType.REQUISITION, -120_00,
                                                                            "2080", "20", DAYS[2])]:
        if day > as_of or (county is not None and county_code != county):
            continue
        group = {"county": county_code, "agreement": agreement, "recipient": receiver}[by]
        row = groups.setdefault(group, {})
        row[BALANCE_OF[kind]] = row.get(BALANCE_OF[kind], 0) + amount
    return groups


async def _overviews(url: str) -> list[tuple[dict, dict]]:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            ledger = Ledger(session)
            for agreement, kind, amount, receiver, county_code, day in ENTRIES:
                await ledger.record_all(ADMIN, agreement, [NewEntry(kind, amount, "state", receiver, county_code,
                                                                    "test", f"{agreement}-{kind}", day)])
            # the requisition withdrawn, on the future day: a reversal counts against what it reverses
            original = next(e for e in await ledger.entries("a-2") if e.entry_type == "requisition")
            await ledger.record_all(ADMIN, "a-2", [NewEntry(EntryType.REVERSAL, 120_00, "state", "2080", "20",
                                                            "test", "a-2-requisition", DAYS[2], original)])
            await session.commit()
        answers = []
        async with sessions() as session:
            for as_of in [date(2014, 1, 1), *DAYS, date(2020, 6, 29)]:
                for by in ("county", "agreement", "recipient"):
                    for county in (None, "20", "01"):
                        overview = await Ledger(session).overview(as_of, by, county)
                        got = {g.group: {k: v for k, v in g.model_dump().items() if k != "group" and v}
                               for g in overview.groups}
                        wanted = {g: {k: v for k, v in row.items() if v} for g, row in
                                  by_hand(as_of, by, county).items()}
                        answers.append(((as_of, by, county, got), (as_of, by, county, wanted)))
        return answers
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def overviews(new_database_url: Callable[[str], str]) -> list[tuple[dict, dict]]:
    url = new_database_url("funding")
    upgrade(SERVICE_DIR, url)
    return asyncio.run(_overviews(url))


def test_the_overview_on_any_date_is_the_sum_of_the_entries_dated_by_then(overviews):
    for got, wanted in overviews:
        assert got == wanted
