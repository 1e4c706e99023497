"""The registry's rule for record ids, and the official identifiers organisations carry (shared.records makes
ids when the caller sends none)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import Field
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr

from shared.problems import InvalidInput

RECORD_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
RecordId = Annotated[str, Field(pattern=RECORD_ID_PATTERN, description="Stable id: a-z, 0-9 and '-'.")]
RecordIdPath = Annotated[str, Path(pattern=RECORD_ID_PATTERN)]

# A list's `id` filter: record ids separated by commas, at most this many (one registry call answers another
# service's question about many records at once, and the list's statement stays one bound value).
MAX_LISTED_IDS = 100
LISTED_IDS_MAX_LENGTH = MAX_LISTED_IDS * 65
_RECORD_ID = re.compile(RECORD_ID_PATTERN)


def listed_ids(value: str, field: str) -> list[str]:
    """The distinct ids of a comma-separated `id` filter, in the order first named; 422 naming `field` when one
    is not a record id or there are more than MAX_LISTED_IDS."""
    ids = list(dict.fromkeys(part.strip() for part in value.split(",")))
    wrong = next((i for i in ids if not _RECORD_ID.match(i)), None)
    if wrong is not None:
        raise InvalidInput.field(field, "record_id", f"{wrong!r} is not a record id (a-z, 0-9 and '-', 3-64 "
                                                     "characters).")
    if len(ids) > MAX_LISTED_IDS:
        raise InvalidInput.field(field, "at_most", f"At most {MAX_LISTED_IDS} ids in one request; {len(ids)} "
                                                   "were sent.", limit=MAX_LISTED_IDS)
    return ids


# By character code: a digit as it counts in the Luhn sum, as it is (odd places from the right) and doubled, its
# two digits summed (even places).
_PLAIN = {ord(str(d)): d for d in range(10)}
_DOUBLED = {ord(str(d)): (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)[d] for d in range(10)}


def _written_plainly(value: str) -> str | None:
    """The ten digits of '2120000142' or '212000-0142' when their Luhn check digit holds, else None: the common
    case costs about a microsecond (a file of 100,000 rows checks as many numbers); anything else, valid or not,
    takes the general path with its reasons."""
    digits = value[:6] + value[7:] if len(value) == 11 and value[6] == "-" else value
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return None
    c = digits.encode()
    total = (_PLAIN[c[1]] + _PLAIN[c[3]] + _PLAIN[c[5]] + _PLAIN[c[7]] + _PLAIN[c[9]]
             + _DOUBLED[c[0]] + _DOUBLED[c[2]] + _DOUBLED[c[4]] + _DOUBLED[c[6]] + _DOUBLED[c[8]])
    return digits if total % 10 == 0 else None


def normalise_org_number(value: str) -> str:
    """'2120000142' or '212000-0142' -> '212000-0142'; ValueError with a reason when it is not valid."""
    if (digits := _written_plainly(value)) is not None:
        return f"{digits[:6]}-{digits[6:]}"
    try:
        return orgnr.format(orgnr.validate(value))
    except StdnumValidationError as exc:
        raise ValueError(f"'{value}' is not a valid Swedish organisation number ({exc.message}); "
                         "it has 10 digits and ends with a Luhn check digit") from None
