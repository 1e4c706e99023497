"""The registry's rule for record ids, and the official identifiers organisations carry (shared.records makes
ids when the caller sends none)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr

RECORD_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
RecordId = Annotated[str, Field(pattern=RECORD_ID_PATTERN, description="Stable id: a-z, 0-9 and '-'.")]
RecordIdPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]


def normalise_org_number(value: str) -> str:
    """'2120000142' or '212000-0142' -> '212000-0142'; ValueError with a reason when it is not valid."""
    try:
        return orgnr.format(orgnr.validate(value))
    except StdnumValidationError as exc:
        raise ValueError(f"'{value}' is not a valid Swedish organisation number ({exc.message}); "
                         "it has 10 digits and ends with a Luhn check digit") from None
