"""The dashboard's pages (HTML) and the files of their tables (CSV, XLSX). None of them is an API operation: they
stay out of the OpenAPI document (include_in_schema=False), so the platform's API description, its generated
clients and its contract tests see only the API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.dashboard.formats import today_in_sweden
from services.dashboard.pages.links import Links, forwarded_prefix
from services.dashboard.pages.schemas import Period, not_found, read_county, read_period, read_span
from services.dashboard.pages.service import DashboardPages, Page, table_of
from services.dashboard.tables import as_csv, as_xlsx
from services.dashboard.web import Viewer, renderer_of
from shared.counties import COUNTY_NAMES
from shared.service_client import Platform
from shared.spreadsheet_export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]
FileFormat = Literal["csv", "xlsx"]
TEMPLATES = {"national": "national.html", "county": "county.html", "history": "history.html",
             "partnership": "partnership.html"}


def _links(request: Request, period: Period | None = None) -> Links:
    return Links(forwarded_prefix(request.headers.get("x-forwarded-prefix")), period)


def _show(request: Request, page: Page, links: Links) -> Response:
    context = {"page": page, "links": links, "counties": COUNTY_NAMES, "today": today_in_sweden(),
               "table_url": lambda name, file_format: links.table(page.view_path, name, file_format, page.query)}
    return renderer_of(request).page(request, TEMPLATES[page.view], context)


def _file(page: Page, name: str, file_format: FileFormat) -> Response:
    table = table_of(page, name)
    stamp = "-".join(v for v in page.query.values())
    filename = "-".join(filter(None, (name, page.county, stamp))) + "." + file_format
    content, media_type = (as_csv(table), CSV_MEDIA_TYPE) if file_format == "csv" else (as_xlsx(table),
                                                                                         XLSX_MEDIA_TYPE)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"})


@router.get("/")
async def national(request: Request, platform: Platform, _viewer: Viewer, ar: Text = None,
                   datum: Text = None) -> Response:
    period = read_period(ar, datum, today_in_sweden())
    links = _links(request, period)
    return _show(request, await DashboardPages(platform, links).national(period), links)


@router.get("/lan/{code}")
async def county(request: Request, platform: Platform, _viewer: Viewer, code: str, ar: Text = None,
                 datum: Text = None) -> Response:
    county_code = read_county(code)
    period = read_period(ar, datum, today_in_sweden())
    links = _links(request, period)
    return _show(request, await DashboardPages(platform, links).county(county_code, period), links)


@router.get("/lan/{code}/historik")
async def county_history(request: Request, platform: Platform, _viewer: Viewer, code: str, fran: Text = None,
                         till: Text = None) -> Response:
    county_code = read_county(code)
    span = read_span(fran, till, today_in_sweden())
    links = _links(request, read_period(None, span.end.isoformat(), today_in_sweden()))
    return _show(request, await DashboardPages(platform, links).history(county_code, span), links)


@router.get("/partnerskapet")
async def partnership(request: Request, platform: Platform, _viewer: Viewer, ar: Text = None,
                      datum: Text = None) -> Response:
    period = read_period(ar, datum, today_in_sweden())
    links = _links(request, period)
    return _show(request, await DashboardPages(platform, links).partnership(period), links)


@router.get("/visa")
async def show(request: Request, _viewer: Viewer, lan: Text = None, ar: Text = None, datum: Text = None) -> Response:
    """Where the page's form goes: the chosen county's page (or the nation's) for the chosen year and date (a
    year chosen without a date: that year's own default date)."""
    period = read_period(ar, datum or None, today_in_sweden())
    code = read_county(lan) if lan else None
    query = {"ar": str(period.year), **({"datum": period.on.isoformat()} if period.date_given else {})}
    target = _links(request).url(f"/lan/{code}" if code else "/", query)
    return RedirectResponse(target, status_code=303)


@router.get("/tabeller/{name}.{file_format}")
async def national_table(request: Request, platform: Platform, _viewer: Viewer, name: str, file_format: FileFormat,
                         ar: Text = None, datum: Text = None) -> Response:
    period = read_period(ar, datum, today_in_sweden())
    return _file(await DashboardPages(platform, _links(request, period)).national(period), name, file_format)


@router.get("/lan/{code}/tabeller/{name}.{file_format}")
async def county_table(request: Request, platform: Platform, _viewer: Viewer, code: str, name: str,
                       file_format: FileFormat, ar: Text = None, datum: Text = None) -> Response:
    county_code = read_county(code)
    period = read_period(ar, datum, today_in_sweden())
    return _file(await DashboardPages(platform, _links(request, period)).county(county_code, period), name,
                 file_format)


@router.get("/lan/{code}/historik/tabeller/{name}.{file_format}")
async def history_table(request: Request, platform: Platform, _viewer: Viewer, code: str, name: str,
                        file_format: FileFormat, fran: Text = None, till: Text = None) -> Response:
    county_code = read_county(code)
    span = read_span(fran, till, today_in_sweden())
    return _file(await DashboardPages(platform, _links(request)).history(county_code, span), name, file_format)


@router.get("/partnerskapet/tabeller/{name}.{file_format}")
async def partnership_table(request: Request, platform: Platform, _viewer: Viewer, name: str,
                            file_format: FileFormat, ar: Text = None, datum: Text = None) -> Response:
    period = read_period(ar, datum, today_in_sweden())
    return _file(await DashboardPages(platform, _links(request, period)).partnership(period), name, file_format)


@router.get("/static/{name:path}")
async def static(request: Request, _viewer: Viewer, name: str) -> Response:
    answer = request.app.state.assets.answer(request, name)
    if answer is None:
        raise not_found("Det finns ingen sådan fil.")
    return answer
