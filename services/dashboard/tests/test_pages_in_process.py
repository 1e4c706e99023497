"""The dashboard's app in this process, its platform a fake gateway answering from canned answers: the page's
sections from those answers, a service that fails costs its section, errors are Swedish HTML pages, the app has
no database and is ready once started, and a request that did not come through the gateway gets nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from services.dashboard.main import create_app
from services.dashboard.pages.schemas import PageError, read_county, read_period, read_span
from services.dashboard.settings import DashboardSettings
from shared.identity import Role
from shared.service_client import PlatformClient
from tests.support import identity_header

SECRET = "in-process-dashboard-secret-0123456789abcdef"
PAGE = {"count": 0, "count_capped": False, "next_page": None, "next_cursor": None}
ZERO = {k: "0.00" for k in ("committed", "allocated", "requisitioned", "paid", "distributed", "reported_spent",
                            "to_repay", "repaid")}


def answers(path: str, params: dict[str, str]) -> tuple[int, Any]:
    """The fake platform: a year with money in Dalarna, one RSS, no rounds, no status reports, no reporting."""
    if path == "/actors/organisations":
        return 200, {**PAGE, "items": [{"id": "rss-20", "kind": "rss", "name": "RSS Dalarna", "county_code": "20",
                                        "active": True, "identifiers": []}]}
    if path in ("/actors/relations", "/actors/posts"):
        return 200, {**PAGE, "items": []}
    if path == "/funding/balances":
        group = {**ZERO, "allocated": "1225535.00", "paid": "250000.50",
                 "group": "20" if params["by"] == "county" else "avtal-1"}
        return 200, {"as_of": params["as_of"], "by": params["by"], "county": None, "year": 2026,
                     "total": {**ZERO, "allocated": "1225535.00", "paid": "250000.50"}, "groups": [group]}
    if path == "/funding/agreements":
        return 200, {**PAGE, "items": [{"id": "avtal-1", "name": "Stöd <b>2026</b>", "registry_number": "S1"}]}
    if path == "/funding/follow-up/overdue-reports":
        return 200, {"as_of": params["as_of"], "county": None, "items": []}
    if path == "/funding/follow-up/unpaid-claims":
        return 200, {"county": None, "outstanding": "0.00", "items": []}
    if path == "/surveys/rounds":
        return 200, {**PAGE, "items": []}
    return 404, {"type": "/problems/not-found", "title": "Not found", "status": 404, "detail": "none"}


pytestmark = pytest.mark.anyio


@pytest.fixture()
async def site() -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """The app, started as uvicorn starts it (its lifespan), behind a client that sends what the gateway sends; its
    platform the fake. `site("funding")` makes funding's answers fail."""
    failing: set[str] = set()

    def handler(request: httpx.Request) -> httpx.Response:
        service = request.url.path.split("/")[1]
        if service in failing:
            return httpx.Response(503, json={"status": 503})
        status, body = answers(request.url.path, dict(request.url.params))
        return httpx.Response(status, json=body)

    app = create_app(DashboardSettings(identity_secret=SECRET))
    async with app.router.lifespan_context(app):
        await app.state.platform.aclose()
        app.state.platform = PlatformClient("http://gateway", "key", transport=httpx.MockTransport(handler),
                                            calls_per_request=60)
        headers = {**identity_header(SECRET, role=Role.ANONYMOUS, county=None, subject="anonymous",
                                     audience="dashboard"), "x-forwarded-prefix": "/dashboard"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dashboard",
                                     headers=headers) as client:

            def with_failing(*services: str) -> httpx.AsyncClient:
                failing.clear()
                failing.update(services)
                return client

            yield with_failing


async def test_the_national_page_is_made_of_the_platforms_answers(site):
    response = await site().get("/?ar=2026&datum=2026-12-06")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'data-key="20"' in html and "1\u00a0225\u00a0535\u00a0kr" in html and "250\u00a0000,50\u00a0kr" in html
    assert "Stöd &lt;b&gt;2026&lt;/b&gt;" in html, "text from the API is escaped"
    assert "Ingen behovsinventering öppnades 2026." in html
    assert "Inget rapportår är öppnat för 2026" in html
    assert 'data-unavailable="aktiviteter"' in html, "no reporting service: the section says so"
    assert 'href="/dashboard/lan/20?ar=2026&amp;datum=2026-12-06"' in html
    assert "/dashboard/static/dashboard." in html


async def test_a_failing_service_costs_its_sections_only(site):
    html = (await site("funding").get("/?ar=2026&datum=2026-12-06")).text
    assert 'data-unavailable="pengar"' in html and "finansieringstjänsten svarar inte" in html
    assert 'data-table="rss"' in html
    file = await site("funding").get("/tabeller/pengar-per-lan.csv?ar=2026")
    assert file.status_code == 503 and file.headers["content-type"].startswith("text/html")
    assert (await site("funding").get("/tabeller/rss.csv?ar=2026")).status_code == 200


async def test_errors_are_swedish_html_pages_and_health_stays_json(site):
    client = site()
    for path, status in (("/lan/99", 404), ("/?ar=1700", 404), ("/?datum=igår", 400), ("/ingenting", 404)):
        response = await client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html") and '<html lang="sv">' in response.text
    assert (await client.post("/")).status_code == 405
    assert (await client.get("/readyz")).json() == {"status": "ready", "service": "dashboard"}
    assert (await client.get("/healthz")).json()["status"] == "ok"


async def test_a_request_past_the_gateway_gets_nothing(site):
    client = site()
    response = await client.get("/", headers={"x-rss-identity": ""})
    assert response.status_code == 401 and "gateway" in response.text


async def test_the_api_description_holds_no_page_and_there_are_no_documentation_pages(site):
    assert set(create_app(DashboardSettings()).openapi()["paths"]) == {"/healthz", "/readyz"}
    client = site()
    for path in ("/docs", "/redoc"):  # FastAPI's own, which would load scripts from a CDN
        response = await client.get(path)
        assert response.status_code == 404 and "cdn" not in response.text.lower()


def test_the_address_is_read_strictly():
    assert read_period("2019", None, date(2026, 12, 6)).on.isoformat() == "2019-12-31"
    assert read_county("20") == "20"
    for bad in (lambda: read_period("1700", None, date(2026, 1, 1)),
                lambda: read_county("99"), lambda: read_county("<b>"),
                lambda: read_span("2020-01-01", "2019-01-01", date(2026, 1, 1))):
        with pytest.raises(PageError):
            bad()
