"""Identifiers surveys accepts: client-supplied record ids and item linkIds."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from shared.text import multi_line, single_line

RECORD_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
RecordId = Annotated[str, Field(pattern=RECORD_ID_PATTERN, description="Chosen by the caller, so a retry is safe.")]
RecordIdPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]
# The filters of surveys' lists (each narrows the list; none given: every record the caller reads).
QuestionnaireFilter = Annotated[str | None, Query(pattern=RECORD_ID_PATTERN,
                                                  description="Only this questionnaire's records")]
CountyFilter = Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="Only this county's organisations "
                                                                              "(SCB county code)")]
YearFilter = Annotated[int | None, Query(ge=2000, le=2100, description="Only records of this year")]
LINK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LinkId = Annotated[str, Field(pattern=LINK_ID_PATTERN, description="The item's stable id across versions.")]
CODE_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Text = single_line(1000, min_length=1)
LongText = multi_line(4000)


def county_named_by(organisation_id: str) -> str | None:
    """The county an organisation id names by itself: an SCB municipality code (four digits) begins with its
    county's code; the registry's county-level ids end with it (county-20, region-20, rss-20); any other id
    names none. Not funding's `county_of_scb_code`, which answers for SCB codes only (a bare county code too)."""
    if organisation_id.isdigit() and len(organisation_id) == 4:
        return organisation_id[:2]
    prefix, _, code = organisation_id.rpartition("-")
    if prefix in ("county", "region", "rss") and code.isdigit() and len(code) == 2:
        return code
    return None

# An audited entity's id: a response is `<round id>/<respondent id>` (100 + 1 + 100 characters).
AUDIT_ENTITY_ID_LENGTH = 201
