from typing import Any

from pydantic import BaseModel, Field

from shared.records import Timestamp

_SNAPSHOT = ("The record {when}, as an object of its fields: a questionnaire version's id, version, status, title "
             "and the times it was published and retired; a round's id, questionnaire, version, title, dates and "
             "closing; a reporting year's year, round and due date; a response's round, respondent, status, review "
             "state, whether it is late, the day it took effect (submitted_on) and its revision. A response's "
             "answers are not in the trail: they are in its history. Null {none}.")


class AuditEventOut(BaseModel):
    id: int
    at: Timestamp
    actor: str = Field(description="Who made the change: the caller's subject")
    action: str = Field(description="create, version, update, publish or retire (questionnaire); open or close "
                                    "(round); open (reporting_year); draft, submit, amend or review (response)")
    entity_type: str = Field(description="questionnaire, round, reporting_year or response")
    entity_id: str = Field(description="The record: a questionnaire's or round's id, a reporting year, or a "
                                       "response as <round id>/<respondent id>")
    county_code: str | None = Field(description="The changed record's owning county: a response's respondent's; "
                                                "none for questionnaires, rounds and reporting years")
    before: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="before the change",
                                                                       none="on a create"))
    after: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="after the change",
                                                                      none="when there is nothing to show"))
    request_id: str | None

