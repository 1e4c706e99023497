from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from services.actors.identifiers import RECORD_ID_PATTERN
from services.actors.structure import schemas
from services.actors.structure.service import StructureService
from shared.database import Session
from shared.identity import AnyCaller
from shared.periods import AsOfQuery
from shared.problems import problem_responses

RecordPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]


def structure_service(session: Session, caller: AnyCaller) -> StructureService:
    return StructureService(session, caller)


Structure = Annotated[StructureService, Depends(structure_service)]

router = APIRouter(tags=["structure"], responses=problem_responses(401, 404, 422))


@router.get("/rss/{rss_id}", summary="An RSS on a date: host, parties, groups, contact point, representatives")
async def get_rss(rss_id: RecordPath, structure: Structure, as_of: AsOfQuery = None) -> schemas.RssOverview:
    return await structure.rss(rss_id, as_of or date.today())


@router.get("/organisations/{organisation_id}/members",
            summary="Members of a group, network or organisation on a date: organisations and post holders")
async def get_members(organisation_id: RecordPath, structure: Structure,
                      as_of: AsOfQuery = None) -> schemas.Members:
    return await structure.members(organisation_id, as_of or date.today())


@router.get("/organisations/{organisation_id}/history",
            summary="An organisation's whole history: names, relations, founding and closing, in date order")
async def get_history(organisation_id: RecordPath, structure: Structure) -> schemas.OrganisationHistory:
    return await structure.history(organisation_id)


@router.get("/representatives", summary="Who represents county X in network Y on date D",
            response_model=schemas.Representatives)
async def get_representatives(
    structure: Structure,
    county: Annotated[str, Query(pattern=r"^\d{2}$", description="SCB county code", examples=["01"])],
    network: Annotated[str, Query(pattern=RECORD_ID_PATTERN, description="Network or group id",
                                  examples=["network-rss"])],
    as_of: AsOfQuery = None,
) -> Response:
    # The answer is built from typed models already; serialising it directly skips a second validation pass
    # of every post (measured on this, the registry's most frequent read).
    answer = await structure.representatives(county, network, as_of or date.today())
    return Response(content=answer.model_dump_json(), media_type="application/json")
