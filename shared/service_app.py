"""Builds a service's FastAPI app: lifespan resources, health and readiness, problem+json, request ids."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.lowlevel
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession

from shared.conditional import AnswerETagMiddleware
from shared.database import (
    EngineOptions,
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    current_revision,
)
from shared.identity import IdentityVerifier
from shared.json_bodies import require_json_content_type
from shared.logging import configure_logging, get_logger
from shared.middleware import BodySizeLimitMiddleware, ControlCharacterMiddleware, RequestContextMiddleware
from shared.migrations import head_revision
from shared.openapi_document import describe_errors_as_problems, operation_id
from shared.problems import Problem, install_problem_handlers, problem_response
from shared.query_parameters import refuse_unknown_query_parameters
from shared.settings import BaseServiceSettings, ServiceSettings


class StartedReadiness(BaseModel):
    """The answer of /readyz of a service without a database: ready once started."""

    status: str = Field(description="Always ready.", examples=["ready"], pattern="^ready$")
    service: str = Field(description="The service's name.", examples=["dashboard"])


class Readiness(BaseModel):
    """The answer of a service's /readyz when it is ready (otherwise 503, a problem document)."""

    status: str = Field(description="Always ready.", examples=["ready"], pattern="^ready$")
    service: str = Field(description="The service's name.", examples=["actors"])
    migration: str = Field(description="The database's migration revision, the service's head.")


def create_service_app(*, name: str, title: str, description: str, version: str,
                       settings: ServiceSettings, service_dir: Path | None,
                       routers: Sequence[APIRouter], session_class: type[OrmSession] = OrmSession,
                       engine_options: EngineOptions | None = None, database: bool = True) -> FastAPI:
    """`engine_options`: the service's own database tuning (shared.database.EngineOptions); none by default.

    `database=False`: a service that keeps no records of its own (the dashboard, which reads the platform through
    the gateway and stores nothing). It gets everything else the kit gives (settings, identity, logging, problem
    handlers, middleware, /healthz) but no engine, no sessionmakers and no migrations (`service_dir` may be None,
    `settings` need not name a database), and its /readyz answers ready as soon as the app has started: there is
    nothing else it waits for. What it reads from the platform is its own pages' concern (a service that is down
    is shown as such on the page), not a reason to take the service out of rotation."""
    configure_logging(service=name, log_format=settings.log_format, level=settings.log_level,
                      log_file=settings.log_file)
    log = get_logger("lifespan")
    database_url: str | None = None
    expected_revision: str | None = None
    if database:
        if service_dir is None or not isinstance(settings, BaseServiceSettings):
            raise ValueError(f"{name}: a service with a database names its directory (its migrations) and has "
                             "settings with a database_url (shared.settings.BaseServiceSettings)")
        database_url, expected_revision = settings.database_url, head_revision(service_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database_url, engine_options) if database_url is not None else None
        app.state.engine = engine
        if engine is not None:
            app.state.sessionmaker = create_sessionmaker(engine, session_class)
            app.state.read_sessionmaker = create_read_sessionmaker(engine, session_class)
        app.state.identity_verifier = IdentityVerifier(settings.identity_secret, audience=name)
        app.state.settings = settings
        # The OpenAPI document is built before the first request: the gateway fetches it as soon as the
        # service is ready, and building it on demand took seconds on a busy machine.
        app.openapi()
        # anyio loads its asyncio backend the first time it is used (Starlette's request.is_disconnected, which
        # long requests such as imports call): loaded here, the first such request does not pay 20 ms for it.
        await anyio.lowlevel.checkpoint()
        # What start-up built (routes, models, schemas, mappers: most of the heap) lives as long as the process:
        # moved out of the collector's generations, so the collections that requests' garbage triggers no
        # longer walk it (gc.freeze).
        gc.collect()
        gc.freeze()
        log.info("started", database=engine.url.render_as_string(hide_password=True) if engine else None)
        try:
            yield
        finally:
            gc.unfreeze()  # an app started again in the same process (tests) leaves nothing frozen behind
            if engine is not None:
                await engine.dispose()
            log.info("stopped")

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan,
                  dependencies=[Depends(refuse_unknown_query_parameters), Depends(require_json_content_type)],
                  generate_unique_id_function=operation_id)
    install_problem_handlers(app)
    describe_errors_as_problems(app)

    @app.get("/healthz", tags=["health"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": name}

    if database:
        @app.get("/readyz", tags=["health"], summary="The database answers and its migrations are at head",
                 response_model=Readiness,
                 responses={503: {"description": "The database does not answer or is not at the head migration."}})
        async def readyz():  # type: ignore[no-untyped-def]
            try:
                revision = await current_revision(app.state.engine)
            except SQLAlchemyError as exc:
                return problem_response(Problem(status=503, detail=f"Database not reachable: {type(exc).__name__}"),
                                        instance="/readyz")
            if revision != expected_revision:
                return problem_response(
                    Problem(status=503, detail=f"Database at migration {revision}, expected {expected_revision}; "
                                               "run the migrations."), instance="/readyz")
            return {"status": "ready", "service": name, "migration": revision}
    else:
        @app.get("/readyz", tags=["health"], summary="The service has started (it keeps no database)",
                 response_model=StartedReadiness)
        async def started() -> dict[str, str]:
            return {"status": "ready", "service": name}

    for router in routers:
        app.include_router(router)
    # The last added runs first: the request id and access log wrap the request's bounds, checked before
    # any route reads the request; the answer's ETag is set (or the answer becomes 304) inside them all.
    app.add_middleware(AnswerETagMiddleware)
    app.add_middleware(ControlCharacterMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_import_body_bytes=settings.max_import_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
