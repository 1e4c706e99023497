"""The one place a report's value becomes text, per column type, for every format.

A value in the document is typed by its column: `string`, `integer`, `money` (integer öre), `percent` (a number
0..100 with at most one decimal), `date` (an ISO date string) and `boolean`; any of them may be null. Two
writings:

| type | `for_csv` (machines, RFC 4180 files) | `for_people` (the page and its PDF) |
|---|---|---|
| money | `1225535.00` (kronor, two decimals, a point) | `1 225 535 kr`, `1 225 535,50 kr` (öre only when not zero) |
| integer | `1225535` | `1 225 535` |
| percent | `33.3`, `50` | `33,3 %`, `50 %` |
| date | `2026-12-06` | `2026-12-06` |
| boolean | `ja` / `nej` | `ja` / `nej` |
| null | empty | `–` |

A moment (the report's `generated_at`) is shown to people in Swedish time: `2026-12-06 kl. 11.00`.

Money is computed with `Decimal` from the integer öre, never through a float. The groups of thousands are
separated by a no-break space (U+00A0), as is the unit, so a number never breaks across lines; a negative number
takes the minus sign (U+2212).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal
from zoneinfo import ZoneInfo

from shared.money import ORE_PER_KRONA, format_ore
from shared.spreadsheet_export import guard_formula

ColumnType = Literal["string", "integer", "money", "percent", "date", "boolean"]
COLUMN_TYPES: Final[tuple[str, ...]] = ("string", "integer", "money", "percent", "date", "boolean")
NUMERIC_TYPES: Final[frozenset[str]] = frozenset({"integer", "money", "percent"})

GROUP_SEPARATOR: Final = "\u00a0"  # no-break space between groups of thousands and before a unit
MINUS: Final = "\u2212"
MISSING: Final = "–"  # a null value on the page
YES, NO = "ja", "nej"
SWEDEN: Final = ZoneInfo("Europe/Stockholm")


def kronor(ore: int) -> Decimal:
    """Öre as kronor with two decimals, exactly: 122553550 → Decimal('1225535.50')."""
    if isinstance(ore, bool) or not isinstance(ore, int):
        raise TypeError(f"money is an integer number of öre, not {ore!r}")
    return Decimal(ore).scaleb(-2).quantize(Decimal("0.01"))


def percent_number(value: int | float) -> Decimal:
    """A percent as the exact decimal the document means: 33.3 → Decimal('33.3'), 50 → Decimal('50')."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a percent is a number, not {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def group_thousands(whole: int) -> str:
    """1225535 → '1 225 535' (no-break spaces), a negative one with the minus sign."""
    digits = f"{abs(whole):,}".replace(",", GROUP_SEPARATOR)
    return (MINUS if whole < 0 else "") + digits


def figure_for_people(value: int | float) -> str:
    """A key figure as people read it: a count grouped (1 225 535), a measure with a decimal comma (3,22)."""
    if isinstance(value, int) or float(value).is_integer():
        return group_thousands(int(value))
    whole = group_thousands(int(abs(value))) if abs(value) >= 1 else "0"
    decimals = f"{abs(value):.2f}".split(".")[1]
    return (MINUS if value < 0 else "") + whole + "," + decimals


def money_for_people(ore: int) -> str:
    """122553500 → '1 225 535 kr'; 122553550 → '1 225 535,50 kr'; -5050 → '−50,50 kr'."""
    amount = kronor(ore)
    whole, rest = divmod(abs(ore), ORE_PER_KRONA)
    text = group_thousands(whole)
    if rest:
        text += f",{rest:02d}"
    if amount < 0:
        text = MINUS + text
    return f"{text}{GROUP_SEPARATOR}kr"


def percent_for_people(value: int | float) -> str:
    """33.3 → '33,3 %'; 50 → '50 %'; 50.0 → '50 %'."""
    number = percent_number(value)
    sign = MINUS if number < 0 else ""
    number = abs(number)
    if number == number.to_integral_value():
        text = group_thousands(int(number))
    else:
        whole = int(number)
        decimals = format(number, "f").split(".")[1]
        text = f"{group_thousands(whole)},{decimals}"
    return f"{sign}{text}{GROUP_SEPARATOR}%"


def for_people(value: object, column_type: str) -> str:
    """The value as the printable page shows it."""
    if value is None:
        return MISSING
    if column_type == "money":
        return money_for_people(value)  # type: ignore[arg-type]
    if column_type == "integer":
        return group_thousands(value)  # type: ignore[arg-type]
    if column_type == "percent":
        return percent_for_people(value)  # type: ignore[arg-type]
    if column_type == "boolean":
        return YES if value else NO
    if column_type == "date":
        return as_date(value).isoformat()
    return str(value)


def for_csv(value: object, column_type: str) -> str:
    """The value as a CSV cell: kronor with a point and two decimals, plain numbers, ja/nej; a text that a
    spreadsheet would run as a formula starts with a quote."""
    if value is None:
        return ""
    if column_type == "money":
        kronor(value)  # type: ignore[arg-type]  # refuses a non-integer
        return format_ore(value)  # type: ignore[arg-type]
    if column_type == "integer":
        return str(int(value))  # type: ignore[call-overload]
    if column_type == "percent":
        return format(percent_number(value), "f")  # type: ignore[arg-type]
    if column_type == "boolean":
        return YES if value else NO
    if column_type == "date":
        return as_date(value).isoformat()
    return guard_formula(str(value))


def as_date(value: object) -> date:
    """An ISO date string (or a date) as a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"a date is an ISO date string, not {value!r}")
    return date.fromisoformat(value)


def moment_for_people(moment: str) -> str:
    """An ISO date and time with its offset, as Swedish time: '2026-12-06T10:00:00+00:00' → '2026-12-06 kl. 11.00'."""
    local = datetime.fromisoformat(moment).astimezone(SWEDEN)
    return f"{local:%Y-%m-%d} kl. {local:%H.%M}"
