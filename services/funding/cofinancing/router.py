from typing import Annotated

from fastapi import APIRouter, Request, Response

from services.funding.cofinancing.schemas import CoFinancingCreate, CoFinancingIn, CoFinancingOut
from services.funding.cofinancing.service import CoFinancingService
from services.funding.identifiers import CountyFilter, RecordIdPath
from services.funding.registry import RegistryReader
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging, public_path
from shared.problems import problem_responses
from shared.service_provider import provided

CoFinancing = Annotated[CoFinancingService, provided(CoFinancingService, Caller)]
CoFinancingWriter = Annotated[CoFinancingService, provided(CoFinancingService, WritingCaller, RegistryReader)]

router = APIRouter(prefix="/co-financing", tags=["co-financing"], responses=problem_responses(401, 422))


@router.post("/preview", responses=problem_responses(403, 503),
             summary="Compute a co-financing split without saving it: yearly claims per party, phase-in, comparison")
async def preview_co_financing(data: CoFinancingIn, service: CoFinancingWriter) -> CoFinancingOut:
    return await service.preview(data)


@router.post("", status_code=201, responses=problem_responses(403, 409, 503),
             summary="Record a co-financing agreement between a region and its municipalities (the county's "
                     "system or a national administrator); a retry with the same id and terms answers 200")
async def create_co_financing(data: CoFinancingCreate, service: CoFinancingWriter, request: Request,
                              response: Response) -> CoFinancingOut:
    answer, created = await service.create(data)
    response.status_code = 201 if created else 200
    response.headers["Location"] = public_path(request, f"/co-financing/{data.id}")
    return answer


@router.get("", summary="Co-financing agreements as computed when they were recorded, a page at a time")
async def list_co_financing(service: CoFinancing, paging: Paging, county: CountyFilter = None) -> Page[CoFinancingOut]:
    return await service.search(county=county, paging=paging)


@router.get("/{agreement_id}", summary="A co-financing agreement as computed when it was recorded",
            responses=problem_responses(404))
async def get_co_financing(agreement_id: RecordIdPath, service: CoFinancing) -> CoFinancingOut:
    return await service.read(agreement_id)
