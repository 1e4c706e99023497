from typing import Any

from pydantic import BaseModel, Field

from shared.records import Timestamp

ENTITY_TYPES = ("report_version", "activity", "delivery")

_SNAPSHOT = ("The record {when}, as an object of its fields: a report version's year, version, as-of date, "
             "content hash and whether it is empty; an activity's title, kind, days, county, RSS and networks; a "
             "delivery's year, version, message id, status, attempts and reason. Null {none}.")


class AuditEventOut(BaseModel):
    id: int
    at: Timestamp
    actor: str = Field(description="Who made the change: the caller's subject, or the service itself "
                                   "(reporting-delivery, reporting-schedule)")
    action: str = Field(description="generate (report_version); record (activity); request, delivered or failed "
                                    "(delivery)")
    entity_type: str = Field(description=", ".join(ENTITY_TYPES[:-1]) + " or " + ENTITY_TYPES[-1])
    entity_id: str = Field(description="The record's id (a report version as <year>-v<version>)")
    county_code: str | None = Field(description="The changed record's owning county: an activity's county; none "
                                                "for national activities, report versions and deliveries")
    before: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="before the change",
                                                                       none="on a create"))
    after: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="after the change",
                                                                      none="when there is nothing to show"))
    request_id: str | None
