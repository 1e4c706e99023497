from fastapi import FastAPI

from services.actors import SERVICE_DIR, VERSION
from services.actors.geography.router import router as geography_router
from services.actors.settings import ActorsSettings
from shared.service_app import create_service_app
from shared.service_info import service_info_router

DESCRIPTION = ("Counties, municipalities and the organisations, networks, posts and representatives "
               "of Sweden's regional collaboration and support structures for social services.")


def create_app(settings: ActorsSettings | None = None) -> FastAPI:
    return create_service_app(
        name="actors",
        title="RSS actor registry",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings or ActorsSettings(),
        service_dir=SERVICE_DIR,
        routers=[service_info_router("actors", VERSION, DESCRIPTION), geography_router],
    )

