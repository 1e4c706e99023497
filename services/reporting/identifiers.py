"""What reporting's paths, queries and bodies accept: a report's year and version, an activity's and a
delivery's id, a county code, a table's name."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

FIRST_YEAR, LAST_YEAR = 2000, 2100
COUNTY_CODE_PATTERN = r"^[0-9]{2}$"
RECORD_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
TABLE_NAME_PATTERN = r"^[a-z][a-z_]{0,39}$"

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="The year the report is about")]
YearPath = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR, description="The year the report is about")]
VersionPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The report's version (1, 2, ...)")]
YearFilter = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Only this year's")]
CountyFilter = Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN, description="Only this county's "
                                                                                    "(SCB county code)")]
RecordIdPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]
TablePath = Annotated[str, Path(pattern=TABLE_NAME_PATTERN, description="A table of the report: rss, "
                                                                        "representatives, money, ...")]
RegistryId = Annotated[str, Field(pattern=RECORD_ID_PATTERN, description="An organisation id of the actor "
                                                                         "registry")]
