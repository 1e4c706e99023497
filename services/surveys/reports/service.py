"""County status reports: each year national administrators open a reporting year, a round of the shipped
status-report template (lagesrapport) sent to the counties and due on a date; a county submits its report as a
response to that round (answers, the deciding body and its level, the date, who signed in which roles and for
which principals), checked like every response. SKR sees who has submitted and whether on time, and the
compilation SKR once made by hand (seed 004: how many reports were signed by whom, how many decided at political
level), counted in the database, beside each county's answers.

A decision may be two things at once: taken "wholly or partly" at political level (Skåne 2013: in the municipal
association's board and in a county group of senior officials), or both in a county-wide body and in every
municipality (Jönköping 2013). From version 2 of the template the level and the scope are multiple choice, and a
report is counted under each level and scope it names, as seed 004 counts them (so a tally's shares may add up to
more than 1). Version 1 answered one of each; its reports read the same way, as a list of one.

On time means the report took effect on or before the due date: its effective day (`submitted_on`), which a
national administrator gives when a report sent long ago is brought in, not the day it was recorded."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.service import Aggregates
from services.surveys.audit.models import AuditEvent
from services.surveys.questionnaires.schemas import flatten
from services.surveys.questionnaires.service import QuestionnaireService
from services.surveys.reports.models import ReportingYear
from services.surveys.reports.presenter import (
    BOTH_PRINCIPALS,
    PRINCIPALS,
    audit_snapshot,
    compilation_out,
    county_report_out,
    reporting_year_out,
)
from services.surveys.reports.repository import ReportingYearRepository
from services.surveys.reports.schemas import CompilationOut, ReportingYearIn, ReportingYearOut
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.schemas import RoundIn, TargetSetIn
from services.surveys.rounds.service import RoundService
from services.surveys.templates.shipped import STATUS_REPORT
from shared.audit import AuditTrail
from shared.authorization import county_read_scope, require_national
from shared.identity import Principal, Role
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, Forbidden, InvalidInput, NotFound
from shared.service_client import PlatformClient


class StatusReports:
    def __init__(self, session: AsyncSession, caller: Principal, platform: PlatformClient | None = None) -> None:
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = ReportingYearRepository(session)
        self.rounds = RoundService(session, caller, platform)
        self.questionnaires = QuestionnaireService(session, caller)
        self.responses = ResponseService(session, caller)
        self.aggregates = Aggregates(session, caller)

    async def open_year(self, data: ReportingYearIn) -> tuple[ReportingYearOut, bool]:
        """The reporting year and whether it was opened now: a retried opening (the same dates and targets)
        answers the open year; another opening of the same year is 409."""
        require_national(self.caller, "a reporting year")
        await self.repository.hold(data.year)
        if (existing := await self.repository.get(data.year)) is not None:
            opened = next(y for y in await self.years() if y.year == existing.year)
            if (opened.due_on, opened.opens_on) == (data.due_on, data.opens_on) and (
                    data.closes_on is None or data.closes_on == opened.closes_on):
                return opened, False
            raise Conflict.field("body.year", "one_reporting_year", f"Reporting year {data.year} is already open "
                                                                    "with other dates.")
        version = data.version or await self._latest_published()
        closes_on = data.closes_on or date(data.year + 1, 12, 31)
        round_, _ = await self.rounds.create(RoundIn(
            id=f"{STATUS_REPORT}-{data.year}", questionnaire_id=STATUS_REPORT, version=version,
            title=f"Lägesrapport om stödstrukturen {data.year}", opens_on=data.opens_on,
            closes_on=max(closes_on, data.due_on), targets=TargetSetIn(kind=data.targets)))
        year = ReportingYear(year=data.year, round_id=round_.id, due_on=data.due_on, created_by=self.caller.subject)
        self.repository.add(year)
        await self.repository.flush()
        self.audit.record("open", "reporting_year", str(year.year), county=None, after=audit_snapshot(year))
        return reporting_year_out(data.year, data.due_on, round_), True

    async def _latest_published(self) -> int:
        published = await self.questionnaires.published_versions(STATUS_REPORT)
        if not published:
            raise InvalidInput.field("body.version", "published_version", f"{STATUS_REPORT} has no published "
                                                                          "version to report on.")
        return published[-1]

    async def page(self, paging: PageRequest) -> Page[ReportingYearOut]:
        rows, count = await self.repository.search(after=paging.after_key(int), limit=paging.limit + 1)
        return paging.page([reporting_year_out(year.year, year.due_on, await self.rounds.read(year.round_id))
                            for year in rows], count=count, sort_key=lambda y: [-y.year])

    async def years(self) -> list[ReportingYearOut]:
        return [reporting_year_out(year.year, year.due_on, await self.rounds.read(year.round_id))
                for year in await self.repository.all()]

    async def compilation(self, year_number: int) -> CompilationOut:
        if self.caller.role is Role.RESPONDENT or county_read_scope(self.caller) is not None:
            raise Forbidden("The compilation of every county's status report is read at the national level; a "
                            "county reads its own report as a response of the year's round.")
        year = await self.repository.get(year_number)
        if year is None:
            raise NotFound(f"No reporting year {year_number}.")
        round_ = await self.rounds.get(year.round_id)
        items = {item.link_id: item for item, _ in flatten(await self.rounds.items(round_))}
        submitted = await self.aggregates.submitted_in(round_.id)
        counts = await self.aggregates.chosen_in(round_.id)
        both = await self.repository.choosing_all(round_.id, PRINCIPALS, BOTH_PRINCIPALS)
        responses = {r.respondent_id: r for r in await self.responses.search(round_.id)}
        counties = [county_report_out(target, responses.get(target.organisation_id), year.due_on)
                    for target in await self.rounds.every_target(round_.id)]
        return compilation_out(year, items, counties, submitted, counts, both)
