from fastapi import FastAPI

from services.surveys import SERVICE_DIR, VERSION
from services.surveys.aggregation.router import router as aggregation_router
from services.surveys.audit.router import router as audit_router
from services.surveys.codelists.router import router as code_lists_router
from services.surveys.exports.router import router as exports_router
from services.surveys.questionnaires.router import router as questionnaires_router
from services.surveys.reports.router import router as reports_router
from services.surveys.responses.router import router as responses_router
from services.surveys.rounds.router import router as rounds_router
from services.surveys.settings import SurveysSettings
from shared.service_app import create_service_app
from shared.service_client import PlatformClient, attach_platform_client
from shared.service_info import service_info_router

DESCRIPTION = "Needs surveys and county status reports, aggregated into county and national pictures."


def create_app(settings: SurveysSettings | None = None) -> FastAPI:
    settings = settings or SurveysSettings()
    app = create_service_app(
        name="surveys",
        title="RSS needs surveys and reports",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings,
        service_dir=SERVICE_DIR,
        routers=[service_info_router("surveys", VERSION, DESCRIPTION), code_lists_router, questionnaires_router,
                 rounds_router, responses_router, aggregation_router, exports_router, reports_router,
                 audit_router],
    )
    attach_platform_client(app, lambda: PlatformClient(settings.gateway_url, settings.gateway_api_key,
                                                       timeout=settings.gateway_timeout))
    return app
