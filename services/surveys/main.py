from fastapi import FastAPI

from services.surveys import SERVICE_DIR, VERSION
from services.surveys.settings import SurveysSettings
from shared.service_app import create_service_app
from shared.service_info import service_info_router

DESCRIPTION = "Needs surveys and county status reports, aggregated into county and national pictures."


def create_app(settings: SurveysSettings | None = None) -> FastAPI:
    return create_service_app(
        name="surveys",
        title="RSS needs surveys and reports",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings or SurveysSettings(),
        service_dir=SERVICE_DIR,
        routers=[service_info_router("surveys", VERSION, DESCRIPTION)],
    )
