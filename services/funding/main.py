from fastapi import FastAPI

from services.funding import SERVICE_DIR, VERSION
from services.funding.agreements.router import router as agreements_router
from services.funding.allocation.router import router as allocations_router
from services.funding.audit.router import router as audit_router
from services.funding.cofinancing.router import router as co_financing_router
from services.funding.exports.router import router as exports_router
from services.funding.ledger import keys as ledger_keys
from services.funding.ledger.receipts import LedgerReceiptMiddleware
from services.funding.ledger.router import router as ledger_router
from services.funding.reports.router import router as reports_router
from services.funding.requisitions.router import router as requisitions_router
from services.funding.settings import FundingSettings
from shared.service_app import create_service_app
from shared.service_client import PlatformClient, attach_platform_client
from shared.service_info import service_info_router

DESCRIPTION = ("State stimulus funds from agreement to allocation, requisition, distribution, spending report and "
               "repayment, and co-financing, exact to the öre.")


def create_app(settings: FundingSettings | None = None) -> FastAPI:
    settings = settings or FundingSettings()
    ledger_keys.use(ledger_keys.LedgerKeys.from_settings(settings))
    app = create_service_app(
        name="funding",
        title="RSS funding and requisitions",
        description=DESCRIPTION,
        version=VERSION,
        settings=settings,
        service_dir=SERVICE_DIR,
        routers=[service_info_router("funding", VERSION, DESCRIPTION), agreements_router, allocations_router,
                 ledger_router, requisitions_router, reports_router,
                 co_financing_router, exports_router, audit_router],
    )
    app.add_middleware(LedgerReceiptMiddleware)  # a money-moving answer carries the new heads, signed
    attach_platform_client(app, lambda: PlatformClient(settings.gateway_url, settings.gateway_api_key,
                                                       timeout=settings.gateway_timeout))
    return app
