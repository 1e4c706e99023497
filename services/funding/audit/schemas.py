from typing import Any

from pydantic import BaseModel, Field

from shared.records import Timestamp

ENTITY_TYPES = ("agreement", "allocation", "requisition", "spending_report", "repayment_claim", "repayment",
                "co_financing")

_SNAPSHOT = ("The record {when}, as an object of its fields (amounts in öre, days as ISO dates): an agreement's "
             "terms and lines; an allocation's or distribution's line, total, key, day, county, parent share and "
             "number of shares; a requisition's share, amount, status, signatory, payee and the days of its "
             "request, decision and payment; a spending report's received, passed on, spent and day; a claim's "
             "amount, repaid and due date; a repayment's claim, amount and day; a co-financing agreement's county, "
             "years and yearly cost. Null {none}.")


class AuditEventOut(BaseModel):
    id: int
    at: Timestamp
    actor: str = Field(description="Who made the change: the caller's subject")
    action: str = Field(description="create (agreement, co_financing, requisition); allocate or distribute "
                                    "(allocation); submit, approve, reject or pay (requisition); report "
                                    "(spending_report); claim (repayment_claim); repay (repayment_claim, "
                                    "repayment)")
    entity_type: str = Field(description=", ".join(ENTITY_TYPES[:-1]) + " or " + ENTITY_TYPES[-1])
    entity_id: str = Field(description="The record's id")
    county_code: str | None = Field(description="The changed record's owning county: a requisition's, report's, "
                                                "claim's and repayment's the share's county; an allocation's its "
                                                "shares' county when all are of one, none for a national "
                                                "allocation; none for agreements")
    before: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="before the change",
                                                                       none="on a create"))
    after: dict[str, Any] | None = Field(description=_SNAPSHOT.format(when="after the change",
                                                                      none="when there is nothing to show"))
    request_id: str | None
