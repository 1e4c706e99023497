"""Interactive API documentation that works without internet: Swagger UI at /docs, ReDoc at /redoc.

FastAPI's own pages load their scripts from a CDN, so they are blank on a machine or network without internet
(a county's integration environment often is one). The assets here come from a pinned Python package
(fastapi-offline) and are served by the gateway itself under /docs/assets/.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs/assets"
TITLE = "RSS platform API"


def install_api_docs(app: FastAPI, *, openapi_url: str) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=TITLE,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            # The key entered under "Authorize" survives a reload; requests go to this same origin.
            swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True,
                                   "tryItOutEnabled": False, "docExpansion": "none", "filter": True})

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=TITLE, redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False)
