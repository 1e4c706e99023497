from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from services.reporting.activities.schemas import ActivityIn, ActivityOut
from services.reporting.activities.service import ActivityService
from services.reporting.identifiers import CountyFilter, RecordIdPath, YearFilter
from shared.database import Session
from shared.idempotency import IDEMPOTENCY_HEADER, once, stored
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging, public_path
from shared.problems import problem_responses
from shared.registry_client import Registry
from shared.service_provider import provided

Activities = Annotated[ActivityService, provided(ActivityService, Caller)]
ActivityRecorder = Annotated[ActivityService, provided(ActivityService, WritingCaller, Registry)]
OptionalIdempotencyKey = Annotated[str | None, Header(
    alias=IDEMPOTENCY_HEADER, min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$",
    description="Optional: a unique value per intended activity (a UUID); a retry with the same key and body gets "
                "the first answer and records nothing twice.")]

router = APIRouter(prefix="/activities", tags=["activities"], responses=problem_responses(401, 422))


@router.post("", status_code=201, response_model=ActivityOut, responses=problem_responses(403, 503),
             summary="Record an activity: a county system its own county's, a national administrator any "
                     "(Idempotency-Key optional)")
async def record_activity(data: ActivityIn, activities: ActivityRecorder, session: Session, caller: WritingCaller,
                          request: Request, response: Response,
                          idempotency_key: OptionalIdempotencyKey = None):  # type: ignore[no-untyped-def]
    if idempotency_key is None:
        recorded = await activities.record(data)
        response.headers["Location"] = public_path(request, f"/activities/{recorded.id}")
        return recorded

    async def run():  # type: ignore[no-untyped-def]
        recorded = await activities.record(data)
        return stored(request, recorded, status=201, path=f"/activities/{recorded.id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("", summary="Activities, a page at a time, by year (those that overlap it) and county")
async def list_activities(activities: Activities, paging: Paging, year: YearFilter = None,
                          county: CountyFilter = None) -> Page[ActivityOut]:
    return await activities.search(year=year, county=county, paging=paging)


@router.get("/{activity_id}", summary="One activity", responses=problem_responses(404))
async def get_activity(activity_id: RecordIdPath, activities: Activities) -> ActivityOut:
    return await activities.read(activity_id)
