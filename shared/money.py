"""Money on the wire: an integer number of öre inside, a decimal string of kronor outside ("1225535.00").

Input accepts a decimal string with at most two decimals ("1225535", "1225535.5", "1225535.00") or a JSON integer
(whole kronor). Floats are refused (a binary float cannot carry öre exactly), as are negative amounts and
fractions of an öre; each refusal is a validation error whose type names the rule, so the problem body says
which field broke which rule.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

ORE_PER_KRONA = 100
MAX_ORE = 10**15  # ten thousand billion kronor: any real sum fits, a runaway one is refused
_DECIMAL = re.compile(r"^-?[0-9]{1,16}(\.[0-9]+)?$")


def parse_ore(value: Any) -> int:
    if isinstance(value, bool):
        raise PydanticCustomError("money_format", "An amount is a decimal string of kronor such as \"1225535.00\".")
    if isinstance(value, float):
        raise PydanticCustomError("money_not_float", "Send an amount as a decimal string (\"1225535.00\") or a "
                                                     "whole number of kronor, never a float.")
    if isinstance(value, int):
        ore = value * ORE_PER_KRONA
    elif isinstance(value, str) and _DECIMAL.match(value.strip()):
        amount = Decimal(value.strip()) * ORE_PER_KRONA
        if amount != amount.to_integral_value():
            raise PydanticCustomError("money_whole_ore", "An amount has at most two decimals: fractions of an öre "
                                                         "do not exist.")
        ore = int(amount)
    else:
        raise PydanticCustomError("money_format", "An amount is a decimal string of kronor such as \"1225535.00\".")
    if ore < 0:
        raise PydanticCustomError("money_not_negative", "An amount cannot be negative.")
    if ore > MAX_ORE:
        raise PydanticCustomError("money_too_large", "The amount is larger than any sum this platform handles.")
    return ore


def format_ore(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_KRONA)
    return f"{sign}{kronor}.{rest:02d}"


# A non-negative amount of money: int öre in Python, "1225535.00" in JSON.
Money = Annotated[
    int,
    BeforeValidator(parse_ore),
    PlainSerializer(format_ore, return_type=str, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
                              {"type": "integer", "minimum": 0, "maximum": MAX_ORE // ORE_PER_KRONA}],
                    "examples": ["1225535.00"],
                    "description": "Kronor as a decimal string (at most two decimals); a JSON integer is read as "
                                   "whole kronor; floats and negative amounts are refused."}),
]
# An amount as the platform answers it (may be negative in a balance or an adjustment).
SignedMoney = Annotated[
    int,
    PlainSerializer(format_ore, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["-774465.00"]}),
]
