from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from services.reporting.deliveries.schemas import DeliveryOut
from services.reporting.deliveries.service import DeliveryService
from services.reporting.identifiers import RecordIdPath, VersionPath, YearPath
from services.reporting.settings import ReportingSettings
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging, public_path
from shared.problems import problem_responses
from shared.service_provider import provided


def reporting_settings(request: Request) -> ReportingSettings:
    return request.app.state.settings


Settings = Annotated[ReportingSettings, Depends(reporting_settings)]
Deliveries = Annotated[DeliveryService, provided(DeliveryService, Caller, Settings)]
DeliveryRequests = Annotated[DeliveryService, provided(DeliveryService, WritingCaller, Settings)]

router = APIRouter(tags=["deliveries"], responses=problem_responses(401, 422))


@router.post("/reports/{year}/versions/{version}/deliveries", status_code=202, response_model=DeliveryOut,
             responses={200: {"description": "The version's delivery, asked for before", "model": DeliveryOut},
                        **problem_responses(403, 404)},
             summary="Deliver a version of a year's report to SKR (a signed webhook, retried until it is taken); "
                     "one delivery per version: asked again, the one there is (national administrators)")
async def request_delivery(year: YearPath, version: VersionPath, deliveries: DeliveryRequests, request: Request,
                           response: Response) -> DeliveryOut:
    requested = await deliveries.request(year, version)
    response.status_code = 202 if requested.created else 200
    response.headers["Location"] = public_path(request, f"/deliveries/{requested.answer.id}")
    return requested.answer


@router.get("/deliveries", summary="Deliveries to SKR with their attempts, the newest report first, a page at a time")
async def list_deliveries(deliveries: Deliveries, paging: Paging, status: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(description="Only deliveries in this state")] = None
                          ) -> Page[DeliveryOut]:
    return await deliveries.search(status=status, paging=paging)


@router.get("/deliveries/{delivery_id}", responses=problem_responses(404),
            summary="One delivery and every attempt: when, what SKR's endpoint answered, what came of it")
async def get_delivery(delivery_id: RecordIdPath, deliveries: Deliveries) -> DeliveryOut:
    return await deliveries.read(delivery_id)
