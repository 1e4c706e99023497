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
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.repository import AggregateRepository
from services.surveys.aggregation.service import share
from services.surveys.moments import swedish_day
from services.surveys.permissions import require_national
from services.surveys.questionnaires.repository import QuestionnaireRepository
from services.surveys.questionnaires.schemas import Item, flatten, items_of
from services.surveys.questionnaires.service import QuestionnaireService, Status
from services.surveys.reports.models import ReportingYear
from services.surveys.reports.repository import ReportingYearRepository
from services.surveys.reports.schemas import CompilationOut, CountyReport, ReportingYearIn, ReportingYearOut, Tally
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.schemas import RoundIn, TargetSetIn
from services.surveys.rounds.service import RoundService, round_status
from services.surveys.templates.shipped import STATUS_REPORT
from shared.authorization import county_read_scope
from shared.identity import Principal, Role
from shared.problems import Conflict, Forbidden, InvalidInput, NotFound
from shared.service_client import PlatformClient

ROLES, PRINCIPALS = "underskrifter.roller", "underskrifter.huvudman"
LEVEL, SCOPE = "beslut.niva", "beslut.omfang"
BOTH_PRINCIPALS = ["kommunerna", "landstinget"]


def codes(answer: Any) -> list[str]:
    """A choice's answer as a list of codes: a multiple choice as it is, a single choice (version 1) as one."""
    if answer is None:
        return []
    return list(answer) if isinstance(answer, list) else [answer]


class StatusReports:
    def __init__(self, session: AsyncSession, caller: Principal, platform: PlatformClient | None = None) -> None:
        self.session = session
        self.caller = caller
        self.repository = ReportingYearRepository(session)
        self.rounds = RoundService(session, caller, platform)

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
        await self.repository.add(year)
        return ReportingYearOut(year=data.year, round_id=round_.id, due_on=data.due_on, opens_on=round_.opens_on,
                                closes_on=round_.closes_on, status=round_.status, targets=round_.targets), True

    async def _latest_published(self) -> int:
        versions = await QuestionnaireRepository(self.session).versions(STATUS_REPORT)
        published = [v.version for v in versions if v.status == Status.PUBLISHED]
        if not published:
            raise InvalidInput.field("body.version", "published_version", f"{STATUS_REPORT} has no published "
                                                                          "version to report on.")
        return published[-1]

    async def years(self) -> list[ReportingYearOut]:
        out = []
        for year in await self.repository.all():
            round_ = await self.rounds.get(year.round_id)
            out.append(ReportingYearOut(year=year.year, round_id=year.round_id, due_on=year.due_on,
                                        opens_on=round_.opens_on, closes_on=round_.closes_on,
                                        status=round_status(round_),
                                        targets=await self.rounds.repository.target_count(round_.id)))
        return out

    async def compilation(self, year_number: int) -> CompilationOut:
        if self.caller.role is Role.RESPONDENT or county_read_scope(self.caller) is not None:
            raise Forbidden("The compilation of every county's status report is read at the national level; a "
                            "county reads its own report as a response of the year's round.")
        year = await self.repository.get(year_number)
        if year is None:
            raise NotFound(f"No reporting year {year_number}.")
        round_ = await self.rounds.get(year.round_id)
        version = await QuestionnaireService(self.session, self.caller).get(round_.questionnaire_id, round_.version)
        items = {item.link_id: item for item, _ in flatten(items_of(version.items))}
        aggregates = AggregateRepository(self.session)
        submitted = (await aggregates.submitted([round_.id], None))[round_.id]
        counts = (await aggregates.option_counts([round_.id], None))[round_.id]

        def tallies(link_id: str) -> list[Tally]:
            item = items.get(link_id)
            return [Tally(code=o.code, display=o.display, count=counts.get((link_id, o.code), 0),
                          denominator=submitted, share=share(counts.get((link_id, o.code), 0), submitted))
                    for o in (item.options if item else [])]

        both = await self.repository.choosing_all(round_.id, PRINCIPALS, BOTH_PRINCIPALS)
        responses = {r.respondent_id: r for r in await ResponseService(self.session, self.caller).search(round_.id)}
        counties = []
        for target in await self.rounds.repository.targets(round_.id, None, None):
            found = responses.get(target.organisation_id)
            answers = found.answers if found else {}
            sent = found if found and found.status == "submitted" else None
            effective = (sent.submitted_on or (swedish_day(sent.submitted_at) if sent.submitted_at else None)
                         if sent else None)
            counties.append(CountyReport(
                organisation_id=target.organisation_id, name=target.name, county_code=target.county_code,
                status=found.status if found else "missing", submitted_on=effective,
                submitted_at=sent.submitted_at if sent else None,
                on_time=effective <= year.due_on if effective else None, late=bool(found and found.late),
                decision_body=answers.get("beslut.organ"), decision_level=codes(answers.get(LEVEL)),
                decision_scope=codes(answers.get(SCOPE)), decision_date=answers.get("beslut.datum"),
                signatories=answers.get("underskrifter.namn"), signatory_roles=answers.get(ROLES, []),
                signed_for=answers.get(PRINCIPALS, []), answers=answers))
        on_time = sum(1 for c in counties if c.on_time)
        return CompilationOut(
            year=year.year, round_id=round_.id, due_on=year.due_on, targets=len(counties), submitted=submitted,
            on_time=on_time, after_due=submitted - on_time, missing=len(counties) - submitted,
            signed_by=tallies(ROLES), signed_for=tallies(PRINCIPALS),
            signed_for_both=Tally(code="+".join(BOTH_PRINCIPALS), display=_both(items), count=both,
                                  denominator=submitted, share=share(both, submitted)),
            decided_at=tallies(LEVEL), decided_where=tallies(SCOPE), counties=counties)


def _both(items: dict[str, Item]) -> str:
    item = items.get(PRINCIPALS)
    names = [o.display for o in item.options if o.code in BOTH_PRINCIPALS] if item else BOTH_PRINCIPALS
    return " och ".join(names)
