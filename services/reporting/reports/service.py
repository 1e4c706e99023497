"""Generating, storing and reading the annual report's versions.

A national administrator (or the yearly schedule) asks for a year's report as of a day. The report is composed
over HTTP from the other services (services/reporting/composition/), then stored in a transaction of its own:
composing takes seconds, and a write transaction held meanwhile would keep every other writer of this service
waiting (SQLite has one writer at a time). In that transaction the year's versions are held (shared.locks) and
the latest is read: if its content hash is the composition's, that version is the answer (nothing stored);
otherwise the composition is stored as the next version, immutable from then on. So two requests for the same
year at once never store two equal versions nor skip a number (the unique (year, version) backs the lock). A
service that cannot answer fails the composition before anything is written: 503, nothing stored.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.activities.service import ActivityService
from services.reporting.audit.service import trail
from services.reporting.composition.compose import Composer
from services.reporting.composition.document import content_hash, finished
from services.reporting.reports.models import ReportVersion
from services.reporting.reports.presenter import version_entity, version_out, version_snapshot
from services.reporting.reports.repository import ReportRepository
from services.reporting.reports.schemas import AnnualReportIn, ReportVersionOut
from shared.authorization import require_national
from shared.database import own_transaction
from shared.identity import Principal
from shared.logging import get_logger
from shared.pagination import Page, PageRequest
from shared.problems import InvalidInput, NotFound
from shared.records import utcnow

SWEDEN = ZoneInfo("Europe/Stockholm")
# Files made from versions (PDF, workbook, page), kept per process: a version is immutable, so its file is made once.
# Bounded, oldest out first; keyed by the document's hash and the renderer.
RENDERED_FILES = 32
RENDERED: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
log = get_logger("reports")


def today_in_sweden() -> date:
    return datetime.now(SWEDEN).date()


@dataclass(frozen=True)
class Sessions:
    """The service's sessionmakers, for work that opens its own transactions."""

    writing: async_sessionmaker[AsyncSession]
    reading: async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Generated:
    answer: ReportVersionOut
    created: bool


class ReportGeneration:
    def __init__(self, sessions: Sessions, caller: Principal, composer: Composer, prefix: str = "") -> None:
        self.sessions = sessions
        self.caller = caller
        self.composer = composer
        self.prefix = prefix

    async def generate(self, data: AnnualReportIn) -> Generated:
        require_national(self.caller, "the annual report (it is composed from every county's records)")
        today = today_in_sweden()
        on = data.as_of or today
        if on > today:
            raise InvalidInput.field("body.as_of", "not_in_future",
                                     f"as_of ({on}) is after today ({today}): a report reads what is known.")
        if on < date(data.year, 1, 1):
            raise InvalidInput.field("body.as_of", "not_before_year",
                                     f"as_of ({on}) is before {data.year} began: a report of {data.year} is read "
                                     "as of a day in or after the year.")
        async with own_transaction(self.sessions.reading, writing=False) as session:
            activities = await ActivityService(session, self.caller).of_year(data.year)
        composition = await self.composer.compose(data.year, on, activities)
        log.info("report_composed", year=data.year, as_of=on.isoformat(), calls=composition.calls)
        digest = content_hash(composition.document)
        async with own_transaction(self.sessions.writing) as session:
            repository = ReportRepository(session)
            await repository.hold_year(data.year)
            latest = await repository.latest(data.year)
            if latest is not None and latest.content_hash == digest:
                return Generated(version_out(latest, self.prefix), created=False)
            number = latest.version + 1 if latest else 1
            generated_at = utcnow()
            document = finished(composition.document, version=number, generated_at=generated_at)
            record = ReportVersion(year=data.year, version=number, as_of=on, generated_at=generated_at,
                                   generated_by=self.caller.subject, content_hash=document["content_hash"],
                                   empty=document["empty"], document=orjson.dumps(document).decode())
            repository.add(record)
            await repository.flush()
            trail(session, self.caller).record("generate", "report_version", version_entity(record.year, number),
                                               county=None, after=version_snapshot(record))
            return Generated(version_out(record, self.prefix), created=True)


class ReportReader:
    """The stored versions, for every authenticated reader: their summaries, their documents and their files."""

    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.repository = ReportRepository(session)

    async def versions(self, *, year: int | None, prefix: str, paging: PageRequest) -> Page[ReportVersionOut]:
        rows, count = await self.repository.search(year=year, after=paging.after_keys(int, int),
                                                   limit=paging.limit + 1)
        return paging.page([version_out(r, prefix) for r in rows], count=count, sort_key=lambda v: [v.year, v.version])

    async def document(self, year: int, version: int | None = None) -> str:
        """The version's document as stored (JSON text); the latest when no version is named."""
        return (await self._record(year, version)).document

    async def rendered(self, year: int, version: int, render: Callable[[dict[str, Any]], Any]) -> Any:
        """The version's document made into a file by `render` (off the event loop: a PDF takes seconds), kept:
        a version never changes, so its file is made once per process (RENDERED, keyed by the content hash)."""
        raw = await self.document(year, version)
        key = (hashlib.sha256(raw.encode()).hexdigest(), render.__module__, render.__qualname__)
        if (kept := RENDERED.get(key)) is not None:
            RENDERED.move_to_end(key)
            return kept
        made = await asyncio.to_thread(render, orjson.loads(raw))
        RENDERED[key] = made
        while len(RENDERED) > RENDERED_FILES:
            RENDERED.popitem(last=False)
        return made

    async def table(self, year: int, version: int, table: str) -> dict[str, Any]:
        """The parsed document, when it has the table; 404 otherwise."""
        document = orjson.loads(await self.document(year, version))
        if not any(t["name"] == table for t in document["tables"]):
            names = ", ".join(t["name"] for t in document["tables"])
            raise NotFound(f"The report of {year}, version {version}, has no table {table}; its tables: {names}.")
        return document

    async def _record(self, year: int, version: int | None) -> ReportVersion:
        record = await (self.repository.latest(year) if version is None else self.repository.version(year, version))
        if record is None:
            raise NotFound(f"No report of {year}." if version is None
                           else f"No version {version} of the report of {year}.")
        return record

