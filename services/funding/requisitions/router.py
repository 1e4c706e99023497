from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Request

from services.funding.identifiers import AgreementFilter, CountyFilter, RecipientFilter, RecordIdPath, YearFilter
from services.funding.registry import RegistryReader
from services.funding.requisitions.schemas import RequisitionIn, RequisitionOut, StepIn
from services.funding.requisitions.service import RequisitionService
from shared.database import Session
from shared.idempotency import IdempotencyKey, once, stored
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import InvalidInput, problem_responses
from shared.service_provider import provided

Requisitions = Annotated[RequisitionService, provided(RequisitionService, Caller)]
RequisitionWriter = Annotated[RequisitionService, provided(RequisitionService, WritingCaller, RegistryReader)]

router = APIRouter(prefix="/requisitions", tags=["requisitions"], responses=problem_responses(401, 403, 404, 422))


@router.post("", status_code=201, response_model=RequisitionOut, responses=problem_responses(409, 503),
             summary="Requisition from a share (the receiver's county; Idempotency-Key)")
async def create_requisition(data: RequisitionIn, requisitions: RequisitionWriter, session: Session,
                             caller: WritingCaller, request: Request,
                             idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await requisitions.create(data)
        return stored(request, answer, status=201, path=f"/requisitions/{answer.id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("", summary="Requisitions, a page at a time, by year, county, status, agreement or recipient")
async def list_requisitions(requisitions: Requisitions, paging: Paging, year: YearFilter = None,
                            county: CountyFilter = None,
                            status: Annotated[Literal["draft", "submitted", "approved", "paid", "rejected"] | None,
                                              Query(description="Only requisitions in this status")] = None,
                            agreement: AgreementFilter = None,
                            recipient: RecipientFilter = None) -> Page[RequisitionOut]:
    return await requisitions.search(year=year, county=county, status=status,
                                     agreement=agreement, recipient=recipient, paging=paging)


@router.get("/{requisition_id}", summary="One requisition")
async def get_requisition(requisition_id: RecordIdPath, requisitions: Requisitions) -> RequisitionOut:
    return await requisitions.read(requisition_id)


@router.post("/{requisition_id}/{step}", response_model=RequisitionOut, responses=problem_responses(409),
             summary="submit (the county), approve, pay or reject with a reason (the agency), each step on its day "
                     "(decided_on, paid_on); Idempotency-Key")
async def move_requisition(requisition_id: RecordIdPath,
                           step: Annotated[Literal["submit", "approve", "pay", "reject"], Path()],
                           requisitions: RequisitionWriter, session: Session, caller: WritingCaller,
                           request: Request, idempotency_key: IdempotencyKey,
                           # Optional, and when sent an object (never null): generated clients then leave it out
                           # when unset rather than send a null.
                           data: Annotated[StepIn, Body()] = None):  # type: ignore[no-untyped-def,assignment]
    async def run():  # type: ignore[no-untyped-def]
        if step == "reject" and (data is None or data.reason is None):
            raise InvalidInput.field("body.reason", "missing", "A rejection gives its reason.")
        return stored(request, await requisitions.transition(requisition_id, step, data))

    return await once(request, session, caller, idempotency_key, data, run)
