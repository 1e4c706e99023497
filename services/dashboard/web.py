"""How the dashboard answers a browser: Jinja2 pages (autoescaped), the security headers on every answer, the
page's own ETag, Swedish error pages instead of problem documents, and who the viewer is.

Security headers (every answer, pages, files and errors alike):

* `Content-Security-Policy`: only the dashboard's own files run or style the page (`script-src 'self'`,
  `style-src 'self'`: no inline script, no inline style, nothing from another origin), it may be framed by no one,
  its forms post to itself only, and its scripts may fetch nothing but its own origin.
* `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (the address of a page, with its county and
  dates, is not sent to other sites), `X-Frame-Options: DENY` for browsers older than `frame-ancestors`.

Viewers are anonymous (the pages are public) or hold any key; the gateway signs who they are. What the pages ask
the platform is asked with the dashboard's own key on the viewer's behalf: an anonymous viewer is named by their
address (`anonymous@203.0.113.5`), so the gateway spends the dashboard's budget per viewer and one viewer's
reloads cannot spend what the pages of everybody else need.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.dashboard import formats
from services.dashboard.assets import Assets
from services.dashboard.pages.links import forwarded_prefix
from services.dashboard.pages.schemas import PageError
from services.dashboard.tables import Link, cell_data, cell_text
from shared.etag import none_match
from shared.identity import Principal, Role, any_caller
from shared.logging import get_logger
from shared.problems import ProblemError

TEMPLATES = Path(__file__).resolve().parent / "templates"
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
JSON_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json"})
log = get_logger("dashboard")


class SecurityHeadersMiddleware:
    """Adds the security headers to every answer the app sends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                known = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in known]
            await send(message)

        await self.app(scope, receive, with_headers)


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(cell_text=cell_text, cell_data=cell_data, day=formats.day, count=formats.count)
    env.tests["link"] = lambda value: isinstance(value, Link)
    return env


class Renderer:
    def __init__(self, assets: Assets) -> None:
        self.env = environment()
        self.assets = assets
        # Compiled now, at start-up: compiling them took the first page about 100 ms.
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def html(self, request: Request, template: str, context: dict[str, Any]) -> str:
        prefix = forwarded_prefix(request.headers.get("x-forwarded-prefix"))
        return self.env.get_template(template).render(
            prefix=prefix, asset=lambda name: self.assets.url(prefix, name), **context)

    def page(self, request: Request, template: str, context: dict[str, Any]) -> Response:
        """A page with an ETag over its bytes: a browser that has it gets 304 (the page is composed from the
        platform's answers, themselves revalidated by their ETags, so an unchanged platform gives the same
        page)."""
        body = self.html(request, template, context).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return HTMLResponse(body, headers=headers)

    def error(self, request: Request, status: int, title: str, message: str) -> Response:
        body = self.html(request, "error.html", {"status": status, "title": title, "message": message,
                                                 "today": formats.today_in_sweden()})
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def renderer_of(request: Request) -> Renderer:
    return request.app.state.renderer


async def viewer(request: Request, principal: Annotated[Principal, Depends(any_caller)]) -> Principal:
    """The viewer, as the gateway signed them; an anonymous one named by their address for the platform's
    budget (the address the gateway established: X-Forwarded-For from the gateway itself)."""
    if principal.role is Role.ANONYMOUS:
        address = (request.headers.get("x-forwarded-for") or "").split(",")[-1].strip()
        if address and all(ch.isalnum() or ch in ".:" for ch in address) and len(address) <= 45:
            principal = replace(principal, subject=f"{principal.subject}@{address}")
            request.state.principal = principal
    return principal


Viewer = Annotated[Principal, Depends(viewer)]

STATUS_TITLES = {400: "Adressen kan inte läsas", 401: "Sidan nås genom plattformens gateway",
                 403: "Sidan kan inte visas", 404: "Sidan finns inte", 405: "Det går inte att göra så här",
                 500: "Något gick fel", 503: "Sidan kan inte visas just nu"}
STATUS_MESSAGES = {
    400: "Adressen innehåller något som sidan inte kan läsa.",
    401: "Översikten visas genom plattformens gateway, under /dashboard/.",
    403: "Översikten kan inte visas för den här nyckeln.",
    404: "Det finns ingen sida på den adressen.",
    405: "Översiktens sidor läses, de tar inte emot något.",
    500: "Felet är loggat. Försök igen om en stund.",
    503: "Plattformen svarar inte just nu. Försök igen om en stund.",
}


def install_html_errors(app: FastAPI) -> None:
    """Every error of a page is a Swedish HTML page (the health checks keep their problem documents)."""
    problem_handlers = dict(app.exception_handlers)

    def _json(request: Request) -> bool:
        return request.url.path in JSON_PATHS

    def _generic(request: Request, status: int) -> Response:
        return renderer_of(request).error(request, status, STATUS_TITLES.get(status, "Sidan kan inte visas"),
                                          STATUS_MESSAGES.get(status, "Sidan kan inte visas."))

    async def on_page_error(request: Request, exc: PageError) -> Response:
        return renderer_of(request).error(request, exc.status, exc.title, exc.message)

    async def on_problem(request: Request, exc: ProblemError) -> Response:
        if _json(request):
            return await problem_handlers[ProblemError](request, exc)
        return _generic(request, exc.status)

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        if _json(request):
            return await problem_handlers[RequestValidationError](request, exc)
        return _generic(request, 404)

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        if _json(request):
            return await problem_handlers[StarletteHTTPException](request, exc)
        response = _generic(request, exc.status_code)
        if exc.status_code == 405:
            response.headers["Allow"] = "GET, HEAD"
        return response

    async def on_unhandled(request: Request, exc: Exception) -> Response:
        log.exception("unhandled_error", path=request.url.path)
        if _json(request):
            return await problem_handlers[Exception](request, exc)
        return _generic(request, 500)

    app.add_exception_handler(PageError, on_page_error)  # type: ignore[arg-type]
    app.add_exception_handler(ProblemError, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unhandled)
