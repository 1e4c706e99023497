from typing import Annotated

from fastapi import APIRouter, Request

from services.funding.allocation.distribution import DistributionService
from services.funding.allocation.schemas import AllocationCreate, AllocationIn, AllocationOut
from services.funding.allocation.service import AllocationService
from services.funding.identifiers import AgreementFilter, CountyFilter, RecipientFilter, RecordIdPath, YearFilter
from services.funding.registry import RegistryReader
from shared.database import Session
from shared.idempotency import IdempotencyKey, once, stored
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

Allocations = Annotated[AllocationService, provided(AllocationService, Caller)]
Distributor = Annotated[DistributionService, provided(DistributionService, WritingCaller, RegistryReader)]
AllocationWriter = Annotated[AllocationService, provided(AllocationService, WritingCaller, RegistryReader)]

router = APIRouter(tags=["allocations"], responses=problem_responses(401, 403, 404, 422))
NEEDS_REGISTRY = problem_responses(503)
LINE = "/agreements/{agreement_id}/lines/{line_id}/allocations"


@router.post(LINE + "/preview", responses=NEEDS_REGISTRY,
             summary="Split a funding line without saving anything: every row explained")
async def preview_allocation(agreement_id: RecordIdPath, line_id: RecordIdPath, data: AllocationIn,
                             allocations: AllocationWriter) -> AllocationOut:
    return await allocations.preview(agreement_id, line_id, data)


@router.post(LINE, status_code=201, response_model=AllocationOut, responses=problem_responses(409, 503),
             summary="Save an allocation of a funding line (national administrators; Idempotency-Key)")
async def create_allocation(agreement_id: RecordIdPath, line_id: RecordIdPath, data: AllocationCreate,
                            allocations: AllocationWriter, session: Session, caller: WritingCaller,
                            request: Request, idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await allocations.create(agreement_id, line_id, data)
        return stored(request, answer, status=201, path=f"/allocations/{answer.id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("/allocations", summary="Saved allocations and distributions, every row explained, a page at a time")
async def list_allocations(allocations: Allocations, paging: Paging, year: YearFilter = None,
                           county: CountyFilter = None, agreement: AgreementFilter = None,
                           recipient: RecipientFilter = None) -> Page[AllocationOut]:
    return await allocations.search(year=year, county=county, agreement=agreement, recipient=recipient,
                                    paging=paging)


@router.get("/allocations/{allocation_id}", summary="A saved allocation, every row explained")
async def get_allocation(allocation_id: RecordIdPath, allocations: Allocations) -> AllocationOut:
    return await allocations.read(allocation_id)


SHARE = "/allocations/{allocation_id}/shares/{recipient_id}/distributions"


@router.post(SHARE + "/preview", responses=NEEDS_REGISTRY,
             summary="Split a received share onward within its county, without saving anything")
async def preview_distribution(allocation_id: RecordIdPath, recipient_id: RecordIdPath, data: AllocationIn,
                               distributor: Distributor) -> AllocationOut:
    return await distributor.preview_distribution(allocation_id, recipient_id, data)


@router.post(SHARE, status_code=201, response_model=AllocationOut, responses=problem_responses(409, 503),
             summary="Pass a received share on within its county: to municipalities, R&D units or projects, by a "
                     "key or by amounts (the share's county; Idempotency-Key)")
async def create_distribution(allocation_id: RecordIdPath, recipient_id: RecordIdPath, data: AllocationCreate,
                              distributor: Distributor, session: Session, caller: WritingCaller, request: Request,
                              idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await distributor.distribute(allocation_id, recipient_id, data)
        return stored(request, answer, status=201, path=f"/allocations/{answer.id}")

    return await once(request, session, caller, idempotency_key, data, run)
