from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from services.reporting.formats import ANNUAL_REPORT_SCHEMA, csv_table, html_page, pdf_document, workbook
from services.reporting.identifiers import TablePath, VersionPath, YearFilter, YearPath
from services.reporting.reports.schemas import AnnualReport, AnnualReportIn, ReportVersionOut
from services.reporting.reports.service import ReportGeneration, ReportReader, Sessions
from shared.identity import AnyCaller, Caller, WritingCaller
from shared.pagination import Page, Paging, public_path
from shared.problems import problem_responses
from shared.service_provider import provided
from shared.spreadsheet_export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

XLSX = XLSX_MEDIA_TYPE


def report_generation(request: Request, caller: WritingCaller) -> ReportGeneration:
    state = request.app.state
    return ReportGeneration(Sessions(writing=state.sessionmaker, reading=state.read_sessionmaker), caller,
                            state.composer, public_path(request, ""))


Generation = Annotated[ReportGeneration, Depends(report_generation)]
Reports = Annotated[ReportReader, provided(ReportReader, Caller)]

router = APIRouter(tags=["annual report"], responses=problem_responses(401, 422))
NOT_FOUND = problem_responses(404)


def _file(content: bytes | str, media_type: str, name: str) -> Response:
    return Response(content=content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _described(media_type: str, what: str, binary: bool = True) -> dict:
    schema = {"type": "string", "format": "binary"} if binary else {"type": "string"}
    return {200: {"description": what, "content": {media_type: {"schema": schema}}}, **NOT_FOUND}


@router.post("/reports", status_code=201, response_model=ReportVersionOut, responses=problem_responses(403, 503),
             summary="Compose a year's annual report from the registry, funding and surveys as of a day; a new "
                     "version when its content changed (201), else the latest (200) (national administrators)")
async def generate_report(data: AnnualReportIn, generation: Generation, request: Request,
                          response: Response) -> ReportVersionOut:
    generated = await generation.generate(data)
    response.status_code = 201 if generated.created else 200
    response.headers["Location"] = generated.answer.links.json_
    return generated.answer


@router.get("/reports", summary="The stored versions, the newest first, a page at a time")
async def list_report_versions(reports: Reports, paging: Paging, request: Request,
                               year: YearFilter = None) -> Page[ReportVersionOut]:
    return await reports.versions(year=year, prefix=public_path(request, ""), paging=paging)


@router.get("/reports/{year}", response_model=AnnualReport, responses=NOT_FOUND,
            summary="The latest version of a year's annual report (the document, annual-report/v1)")
async def get_latest_report(year: YearPath, reports: Reports) -> Response:
    return Response(await reports.document(year), media_type="application/json")


@router.get("/reports/{year}/versions/{version}.xlsx", response_class=Response,
            responses=_described(XLSX, "The report as a workbook: a summary sheet and one sheet per table"),
            summary="One version as an XLSX workbook")
async def get_report_workbook(year: YearPath, version: VersionPath, reports: Reports) -> Response:
    return _file(await reports.rendered(year, version, workbook), XLSX, f"arsrapport-{year}-v{version}.xlsx")


@router.get("/reports/{year}/versions/{version}.html", response_class=Response,
            responses=_described("text/html", "The report as a printable Swedish page", binary=False),
            summary="One version as a printable HTML page")
async def get_report_page(year: YearPath, version: VersionPath, reports: Reports) -> Response:
    page = await reports.rendered(year, version, html_page)
    return Response(page, media_type="text/html; charset=utf-8")


@router.get("/reports/{year}/versions/{version}.pdf", response_class=Response,
            responses=_described("application/pdf", "The printable page as a PDF"),
            summary="One version as a PDF")
async def get_report_pdf(year: YearPath, version: VersionPath, reports: Reports) -> Response:
    return _file(await reports.rendered(year, version, pdf_document), "application/pdf",
                 f"arsrapport-{year}-v{version}.pdf")


@router.get("/reports/{year}/versions/{version}/tables/{table}.csv", response_class=Response,
            responses=_described("text/csv", "The table as CSV (UTF-8 with BOM, comma-separated, RFC 4180)",
                                 binary=False),
            summary="One table of a version as a CSV file")
async def get_report_table(year: YearPath, version: VersionPath, table: TablePath, reports: Reports) -> Response:
    document = await reports.table(year, version, table)
    return _file(csv_table(document, table), CSV_MEDIA_TYPE, f"arsrapport-{year}-v{version}-{table}.csv")


@router.get("/reports/{year}/versions/{version}", response_model=AnnualReport, responses=NOT_FOUND,
            summary="One version of a year's annual report (the document, annual-report/v1); never changes")
async def get_report_version(year: YearPath, version: VersionPath, reports: Reports) -> Response:
    return Response(await reports.document(year, version), media_type="application/json")


@router.get("/schemas/annual-report-v1.json", response_class=JSONResponse,
            responses={200: {"description": "The JSON Schema (draft 2020-12) of the annual report's document",
                             "content": {"application/schema+json": {"schema": {"type": "object"}}}}},
            summary="The published JSON Schema of the annual report's document (public)")
async def get_report_schema(_caller: AnyCaller) -> JSONResponse:
    return JSONResponse(ANNUAL_REPORT_SCHEMA, media_type="application/schema+json")
