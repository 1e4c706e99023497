from fastapi import FastAPI

from services.actors import SERVICE_DIR, VERSION
from services.actors.audit.router import router as audit_router
from services.actors.bulk.router import router as bulk_router
from services.actors.changes.counter import RegistrySession
from services.actors.database import ENGINE_OPTIONS
from services.actors.geography.router import router as geography_router
from services.actors.organisations.router import router as organisations_router
from services.actors.people.router import router as people_router
from services.actors.population_bases.router import router as population_bases_router
from services.actors.posts.router import router as posts_router
from services.actors.relations.router import router as relations_router
from services.actors.settings import ActorsSettings
from services.actors.structure.router import router as structure_router
from services.actors.ttl_cache import TTLCache
from services.actors.versioned_cache import VersionedAnswers
from shared.service_app import create_service_app
from shared.service_info import service_info_router

DESCRIPTION = ("Counties, municipalities and the organisations, networks, posts and representatives "
               "of Sweden's regional collaboration and support structures for social services.")


def create_app(settings: ActorsSettings | None = None) -> FastAPI:
    app = create_service_app(
        name="actors",
        title="RSS actor registry",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings or ActorsSettings(),
        service_dir=SERVICE_DIR,
        routers=[service_info_router("actors", VERSION, DESCRIPTION), geography_router, population_bases_router,
                 organisations_router, relations_router, people_router, posts_router, structure_router, audit_router,
                 bulk_router],
        session_class=RegistrySession,
        engine_options=ENGINE_OPTIONS,
    )
    # Answers to the most frequent question, each served only while the register is unchanged.
    app.state.representatives_cache = VersionedAnswers()
    # SCB's counties and municipalities change once a year, through the reference-data loader (another process,
    # so no change counter tells this one): answers are kept for a minute, so a reload shows within a minute and
    # the most-read public endpoints seldom touch the database.
    app.state.reference_answers = TTLCache[object](ttl_seconds=60)
    return app

