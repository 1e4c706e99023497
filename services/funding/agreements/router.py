from typing import Annotated

from fastapi import APIRouter, Request, Response

from services.funding.agreements.schemas import AgreementIn, AgreementOut
from services.funding.agreements.service import AgreementService
from services.funding.identifiers import RecordIdPath
from shared.identity import Caller, WritingCaller
from shared.pagination import public_path
from shared.problems import problem_responses
from shared.service_provider import provided

Agreements = Annotated[AgreementService, provided(AgreementService, Caller)]
AgreementWriter = Annotated[AgreementService, provided(AgreementService, WritingCaller)]

router = APIRouter(prefix="/agreements", tags=["agreements"], responses=problem_responses(401, 422))


@router.get("", summary="State-SKR agreements with their funding lines")
async def list_agreements(agreements: Agreements) -> list[AgreementOut]:
    return await agreements.search()


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
