from fastapi import FastAPI

from services.dashboard import SERVICE_DIR, VERSION
from services.dashboard.assets import Assets
from services.dashboard.pages.router import router as pages_router
from services.dashboard.settings import DashboardSettings
from services.dashboard.web import Renderer, SecurityHeadersMiddleware, install_html_errors
from shared.service_app import create_service_app
from shared.service_client import PlatformClient, attach_platform_client

DESCRIPTION = ("The national dashboard and the partnership's page: the platform's figures for people, in Swedish, "
               "composed from the public API.")


def create_app(settings: DashboardSettings | None = None) -> FastAPI:
    settings = settings or DashboardSettings()
    app = create_service_app(
        name="dashboard",
        title="RSS national dashboard",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings,
        service_dir=None,
        routers=[pages_router],
        database=False,
    )
    # FastAPI's own documentation pages load their scripts from a CDN; the dashboard has no API to document (its
    # description, /openapi.json, is for the gateway's aggregated one) and loads nothing from elsewhere.
    app.router.routes[:] = [route for route in app.router.routes
                            if getattr(route, "path", None) not in ("/docs", "/docs/oauth2-redirect", "/redoc")]
    app.state.assets = Assets(SERVICE_DIR / "static")
    app.state.renderer = Renderer(app.state.assets)
    install_html_errors(app)
    app.add_middleware(SecurityHeadersMiddleware)
    attach_platform_client(app, lambda: PlatformClient(settings.gateway_url, settings.gateway_api_key,
                                                       timeout=settings.gateway_timeout,
                                                       calls_per_request=settings.max_platform_calls))
    return app
