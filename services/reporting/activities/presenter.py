"""How an activity is answered, what the report reads of it, and what the audit trail keeps."""

from __future__ import annotations

from typing import Any

from services.reporting.activities.models import Activity
from services.reporting.activities.schemas import ActivityKind, ActivityOut
from services.reporting.composition.activities import ActivityFact


def activity_out(activity: Activity) -> ActivityOut:
    return ActivityOut(id=activity.id, title=activity.title, kind=ActivityKind(activity.kind),
                       starts_on=activity.starts_on, ends_on=activity.ends_on, county_code=activity.county_code,
                       rss_ids=list(activity.rss_ids), network_ids=list(activity.network_ids),
                       description=activity.description, recorded_at=activity.created_at,
                       recorded_by=activity.created_by)


def activity_fact(activity: Activity) -> ActivityFact:
    return ActivityFact(id=activity.id, title=activity.title, kind=activity.kind, starts_on=activity.starts_on,
                        ends_on=activity.ends_on, county_code=activity.county_code,
                        rss_ids=tuple(activity.rss_ids), network_ids=tuple(activity.network_ids))


def activity_snapshot(activity: Activity) -> dict[str, Any]:
    return {"title": activity.title, "kind": activity.kind, "starts_on": activity.starts_on.isoformat(),
            "ends_on": activity.ends_on.isoformat(), "county_code": activity.county_code,
            "rss_ids": list(activity.rss_ids), "network_ids": list(activity.network_ids)}
