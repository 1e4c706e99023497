"""Who may do what in surveys: one place, applying the platform's county-scope rule (shared.authorization).

Questionnaires, code lists, rounds and reviews of the national picture belong to no county: national
administrators make them. A response belongs to its respondent organisation's county: that county's system (or
a national administrator) answers and reads it, and a respondent key answers and reads for its own organisation
only. The dashboard reads everything and writes nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.authorization import county_read_scope, require_county_scope
from shared.identity import Principal, Role, authenticated_caller
from shared.problems import FieldError, Forbidden


def require_answering(caller: Principal, respondent_id: str, county_code: str | None, field: str) -> None:
    """403 unless the caller may answer for `respondent_id` (of county `county_code`)."""
    if caller.role is Role.RESPONDENT:
        if caller.organisation_id != respondent_id:
            message = (f"A respondent key answers for its own organisation only ({caller.organisation_id}); "
                       f"{respondent_id} is another organisation.")
            raise Forbidden(message, errors=[FieldError(field, "forbidden", message)])
        return
    require_county_scope(caller, county_code, what=f"{respondent_id}'s response", field=field)


def may_read(caller: Principal, respondent_id: str, county_code: str | None) -> bool:
    if caller.role is Role.RESPONDENT:
        return caller.organisation_id == respondent_id
    scope = county_read_scope(caller)
    return scope is None or scope == county_code


def read_scope(caller: Principal) -> tuple[str | None, str | None]:
    """(county, organisation) a caller's lists are limited to; None: no limit."""
    if caller.role is Role.RESPONDENT:
        return None, caller.organisation_id or ""
    return county_read_scope(caller), None


async def answering_caller(principal: Annotated[Principal, Depends(authenticated_caller)]) -> Principal:
    if principal.role not in (Role.COUNTY, Role.NATIONAL_ADMIN, Role.RESPONDENT):
        raise Forbidden(f"The role '{principal.role.value}' may read but not change data.")
    return principal


AnsweringCaller = Annotated[Principal, Depends(answering_caller)]
