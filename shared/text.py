"""Bounded text: the string types input models are built from, each with a maximum length and without control
characters, so what a caller sends is stored the same way on SQLite and PostgreSQL (which refuses a NUL).

Single-line text (names, ids, addresses, labels, sources, search terms) refuses every C0 control character and
DEL; multi-line text (notes) also allows tab, line feed and carriage return. A refusal is a 422 naming the field
with the rule `control_characters`. The lengths are those of the columns the values are stored in.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

CONTROL_CHARACTERS_RULE = "control_characters"

_SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_in(value: str, *, multi_line: bool = False) -> str | None:
    """The first control character the text may not hold, or None."""
    found = (_MULTI_LINE_CONTROL if multi_line else _SINGLE_LINE_CONTROL).search(value)
    return found.group() if found else None


def control_character_message(character: str, *, multi_line: bool = False) -> str:
    allowed = "; only tab and line breaks are allowed" if multi_line else ""
    return f"the text holds the control character U+{ord(character):04X}{allowed}"


def _single_line(value: str) -> str:
    if (character := control_character_in(value)) is not None:
        raise PydanticCustomError(CONTROL_CHARACTERS_RULE, control_character_message(character))
    return value


def _multi_line(value: str) -> str:
    if (character := control_character_in(value, multi_line=True)) is not None:
        raise PydanticCustomError(CONTROL_CHARACTERS_RULE, control_character_message(character, multi_line=True))
    return value


SINGLE_LINE = AfterValidator(_single_line)
MULTI_LINE = AfterValidator(_multi_line)
# The same rules as JSON Schema patterns, so that the OpenAPI document says what is refused (they document the
# validators above and are not checked a second time).
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"
MULTI_LINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
_NOT_CONTROL_AT_SPACE = r"[^@\s\u0000-\u001f\u007f]+"


def _documented(pattern: str) -> dict[str, str]:
    return {"pattern": pattern}

def single_line(max_length: int, *, min_length: int = 0) -> object:
    """A service's own single-line text type, bounded like its column: `Title = single_line(300, min_length=1)`."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length,
                                json_schema_extra=_documented(SINGLE_LINE_PATTERN)), SINGLE_LINE]


def multi_line(max_length: int, *, min_length: int = 0) -> object:
    """A service's own multi-line text type (tab and line breaks allowed), bounded like its column."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length,
                                json_schema_extra=_documented(MULTI_LINE_PATTERN)), MULTI_LINE]


# The platform's kinds of text, each bounded like the column that stores it.
Name = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=_documented(SINGLE_LINE_PATTERN)),
                 SINGLE_LINE]
ShortName = Annotated[str, Field(max_length=60, json_schema_extra=_documented(SINGLE_LINE_PATTERN)), SINGLE_LINE]
PersonName = Annotated[str, Field(min_length=1, max_length=100, json_schema_extra=_documented(SINGLE_LINE_PATTERN)),
                       SINGLE_LINE]
Label = Annotated[str, Field(max_length=200, json_schema_extra=_documented(SINGLE_LINE_PATTERN)), SINGLE_LINE]
Note = Annotated[str, Field(max_length=1000, json_schema_extra=_documented(MULTI_LINE_PATTERN)), MULTI_LINE]
Source = Annotated[str, Field(max_length=300, json_schema_extra=_documented(SINGLE_LINE_PATTERN)), SINGLE_LINE]
EmailAddress = Annotated[str, Field(
    max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    json_schema_extra=_documented(rf"^{_NOT_CONTROL_AT_SPACE}@{_NOT_CONTROL_AT_SPACE}\.{_NOT_CONTROL_AT_SPACE}$")),
    SINGLE_LINE]
PhoneNumber = Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9 ()-]{5,20}$"), SINGLE_LINE]
