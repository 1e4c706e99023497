from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.surveys.reports.schemas import CompilationOut, ReportingYearIn, ReportingYearOut
from services.surveys.reports.service import StatusReports
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_client import Platform
from shared.service_provider import provided

Reports = Annotated[StatusReports, provided(StatusReports, Caller)]
ReportsWriter = Annotated[StatusReports, provided(StatusReports, WritingCaller, Platform)]
YearPath = Annotated[int, Path(ge=2000, le=2100)]

router = APIRouter(prefix="/status-reports", tags=["status reports"], responses=problem_responses(401, 422))


@router.get("", summary="Reporting years with their due dates, the latest first, a page at a time")
async def list_reporting_years(reports: Reports, paging: Paging) -> Page[ReportingYearOut]:
    return await reports.page(paging)


@router.post("", status_code=201, responses=problem_responses(403, 409, 503),
             summary="Open a reporting year: the status-report template sent to the counties (or the RSS), due on "
                     "a date (national administrators)")
async def open_reporting_year(data: ReportingYearIn, reports: ReportsWriter, response: Response) -> ReportingYearOut:
    opened, created = await reports.open_year(data)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/surveys/status-reports/{opened.year}"
    return opened


@router.get("/{year}", responses=problem_responses(403, 404),
            summary="Who has reported and whether on time, and the compilation: how many reports were signed in "
                    "which role and for which principals, decided at which level, beside each county's answers")
async def get_compilation(year: YearPath, reports: Reports) -> CompilationOut:
    return await reports.compilation(year)
