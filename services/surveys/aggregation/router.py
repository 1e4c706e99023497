from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.surveys.aggregation.schemas import DistributionOut, NeedsOut, ResponseRatesOut
from services.surveys.aggregation.service import Aggregates
from services.surveys.identifiers import RecordIdPath
from shared.identity import Caller
from shared.problems import problem_responses
from shared.service_provider import provided


def minimum_group(request: Request) -> int:
    """The minimum group size of an aggregate read by a caller who does not own the answers
    (SURVEYS_AGGREGATE_MIN_GROUP)."""
    return request.app.state.settings.aggregate_min_group


MinimumGroup = Annotated[int, Depends(minimum_group)]
AggregatesOf = Annotated[Aggregates, provided(Aggregates, Caller, MinimumGroup)]
CountyQuery = Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="Also this county, beside the nation")]

router = APIRouter(prefix="/rounds/{round_id}", tags=["aggregates"], responses=problem_responses(401, 404, 422))


@router.get("/response-rates", summary="Submitted of sent, per county and nationally, and the previous round's")
async def get_response_rates(round_id: RecordIdPath, aggregates: AggregatesOf) -> ResponseRatesOut:
    return await aggregates.rates(round_id)


@router.get("/distribution", summary="Per item the answers with their counts; a county beside the nation, and "
                                     "the previous round's counts; a table of too few responses not the caller's "
                                     "own is suppressed")
async def get_distribution(round_id: RecordIdPath, aggregates: AggregatesOf,
                           county: CountyQuery = None) -> DistributionOut:
    return await aggregates.distribution(round_id, county)


@router.get("/needs", summary="Needs ranked per focus area (mean urgency), process and mission area; a table of "
                              "too few responses not the caller's own is suppressed")
async def get_needs(round_id: RecordIdPath, aggregates: AggregatesOf, county: CountyQuery = None) -> NeedsOut:
    return await aggregates.needs(round_id, county)
