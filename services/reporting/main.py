import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx
from fastapi import FastAPI

from services.reporting import SERVICE_DIR, VERSION
from services.reporting.activities.router import router as activities_router
from services.reporting.audit.router import router as audit_router
from services.reporting.composition.compose import Composer
from services.reporting.deliveries.router import router as deliveries_router
from services.reporting.deliveries.schedule import ScheduledDelivery
from services.reporting.deliveries.worker import DeliveryWorker
from services.reporting.reports.router import router as reports_router
from services.reporting.reports.service import ReportGeneration, Sessions
from services.reporting.settings import ReportingSettings
from shared.identity import Principal
from shared.service_app import create_service_app
from shared.service_client import PlatformClient, attach_platform_client
from shared.service_info import service_info_router

DESCRIPTION = ("The annual report to SKR composed from the actor registry, funding and surveys, kept as immutable "
               "versions, published as JSON, CSV, XLSX, HTML and PDF and delivered to SKR as a signed webhook; and "
               "the activities the RSS record through the year.")


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    app = create_service_app(
        name="reporting",
        title="RSS reporting to SKR",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings,
        service_dir=SERVICE_DIR,
        routers=[service_info_router("reporting", VERSION, DESCRIPTION), reports_router, deliveries_router,
                 activities_router, audit_router],
    )
    attach_delivery_worker(app, settings)
    # Attached last, so its lifespan wraps the worker's: the platform client outlives the worker that uses it.
    attach_platform_client(app, lambda: PlatformClient(settings.gateway_url, settings.gateway_api_key,
                                                       timeout=settings.gateway_timeout,
                                                       calls_per_request=settings.compose_calls))
    return app


def attach_delivery_worker(app: FastAPI, settings: ReportingSettings) -> None:
    """The composer on app.state, and the delivery worker as a task for as long as the app runs (one per
    process; REPORTING_DELIVERY_WORKER=false runs none)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with inner(application) as state:
            state_ = application.state
            state_.composer = Composer(state_.platform, concurrency=settings.compose_concurrency,
                                       schema_url=settings.schema_url())
            sessions = Sessions(writing=state_.sessionmaker, reading=state_.read_sessionmaker)

            def generation(caller: Principal) -> ReportGeneration:
                return ReportGeneration(sessions, caller, state_.composer)

            task = None
            client = httpx.AsyncClient(timeout=settings.delivery_timeout, follow_redirects=False)
            if settings.delivery_worker:
                schedule = ScheduledDelivery(sessions, settings, generation) if settings.delivery_schedule else None
                worker = DeliveryWorker(sessions, settings, client, schedule)
                task = asyncio.create_task(worker.run(), name="reporting-delivery-worker")
            try:
                yield state
            finally:
                if task is not None:
                    task.cancel()
                    with suppress(asyncio.CancelledError):
                        await task
                await client.aclose()

    app.router.lifespan_context = lifespan
