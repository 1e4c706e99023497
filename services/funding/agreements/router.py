from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.funding.agreements.schemas import AgreementIn, AgreementOut
from services.funding.agreements.service import AgreementService
from services.funding.identifiers import RecordIdPath
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging, public_path
from shared.problems import problem_responses
from shared.service_provider import provided

Agreements = Annotated[AgreementService, provided(AgreementService, Caller)]
AgreementWriter = Annotated[AgreementService, provided(AgreementService, WritingCaller)]

router = APIRouter(prefix="/agreements", tags=["agreements"], responses=problem_responses(401, 422))


@router.get("", summary="State-SKR agreements with their funding lines, a page at a time")
async def list_agreements(agreements: Agreements, paging: Paging, year: Annotated[int | None, Query(
        ge=2000, le=2100, description="Only agreements whose years include this one")] = None) -> Page[AgreementOut]:
    return await agreements.search(year=year, paging=paging)


@router.post("", status_code=201, summary="Record an agreement and its funding lines (national administrators)",
             responses=problem_responses(403, 409))
async def create_agreement(data: AgreementIn, agreements: AgreementWriter, request: Request,
                           response: Response) -> AgreementOut:
    agreement, created = await agreements.create(data)
    response.status_code = 201 if created else 200
    response.headers["Location"] = public_path(request, f"/agreements/{agreement.id}")
    return agreement


@router.get("/{agreement_id}", summary="One agreement with its funding lines", responses=problem_responses(404))
async def get_agreement(agreement_id: RecordIdPath, agreements: Agreements) -> AgreementOut:
    return await agreements.read(agreement_id)
