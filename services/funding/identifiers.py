"""Identifiers funding accepts: client-supplied record ids, and the county a recipient id implies."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

RECORD_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
RecordId = Annotated[str, Field(pattern=RECORD_ID_PATTERN, description="Chosen by the caller, so a retry is safe.")]
RecordIdPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]
COUNTY_CODE_PATTERN = r"^[0-9]{2}$"

# The filters of funding's lists (each narrows the list; none given: every record the caller reads).
YearFilter = Annotated[int | None, Query(ge=2000, le=2100, description="Only records of this year's funding lines")]
CountyFilter = Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN, description="Only this county's records "
                                                                                     "(SCB county code)")]
AgreementFilter = Annotated[str | None, Query(pattern=RECORD_ID_PATTERN, description="Only this agreement's records")]
RecipientFilter = Annotated[str | None, Query(pattern=RECORD_ID_PATTERN, description="Only this recipient's records")]


def county_of_scb_code(recipient_id: str) -> str | None:
    """The county an SCB code names (a recipient's county when the caller gives none): a county code is two
    digits, a municipality's four begin with it; any other id names none. Not surveys' `county_named_by`, which
    reads the registry's county-level ids (rss-20) as well and takes no bare county code: a recipient named
    rss-20 has the county the caller or the registry gives it."""
    if recipient_id.isdigit() and len(recipient_id) in (2, 4):
        return recipient_id[:2]
    return None
