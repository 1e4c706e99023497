"""Numbers, money, shares and dates as the dashboard shows them to people, in Swedish.

| value | shown |
|---|---|
| money (integer öre) | `1 225 535 kr`, `250 000,50 kr` (öre only when not zero) |
| a count | `1 225 535` |
| a share (0..1) | `47,6 %` (one decimal, none when whole: `40 %`) |
| a change of a share | `+4,8 procentenheter` |
| a change of a mean | `+0,20`, `−0,44` |
| a date | `2026-12-06` (the Swedish standard writing) |
| nothing | `–` |

Groups of thousands and the unit are separated by a no-break space (U+00A0), so a number never breaks across
lines; a negative number takes the minus sign (U+2212). Money is computed from integer öre with integer
arithmetic, never through a float.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from zoneinfo import ZoneInfo

NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"
MISSING: Final = "–"
SWEDEN: Final = ZoneInfo("Europe/Stockholm")
_AMOUNT = re.compile(r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$")


def today_in_sweden() -> date:
    return datetime.now(SWEDEN).date()


def ore_of(amount: str | int | None) -> int:
    """The API's amount ("1225535.00", "-80000.50", or whole kronor as a JSON integer) as integer öre."""
    if amount is None:
        return 0
    if isinstance(amount, bool):
        raise ValueError(f"not an amount: {amount!r}")
    if isinstance(amount, int):
        return amount * 100
    text = amount.strip()
    if not _AMOUNT.match(text):
        raise ValueError(f"not an amount: {amount!r}")
    negative = text.startswith("-")
    whole, _, decimals = text.lstrip("-").partition(".")
    ore = int(whole) * 100 + int((decimals + "00")[:2])
    return -ore if negative else ore


def group_thousands(whole: int) -> str:
    """1225535 → '1 225 535' (no-break spaces); a negative number with the minus sign."""
    digits = f"{abs(whole):,}".replace(",", NBSP)
    return (MINUS if whole < 0 else "") + digits


def money(ore: int | None) -> str:
    """122553500 → '1 225 535 kr'; 25000050 → '250 000,50 kr'."""
    if ore is None:
        return MISSING
    kronor, rest = divmod(abs(ore), 100)
    text = group_thousands(kronor) + (f",{rest:02d}" if rest else "")
    return (MINUS if ore < 0 else "") + text + NBSP + "kr"


def count(value: int | None) -> str:
    return MISSING if value is None else group_thousands(value)


def _one_decimal(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    text = format(abs(rounded), "f").replace(".", ",")
    return (MINUS if rounded < 0 else "") + text


def percent_of_share(share: float | None) -> Decimal | None:
    """A share 0..1 (as the API gives it, four decimals) as a percent with one decimal: 0.4762 → 47.6."""
    if share is None:
        return None
    return (Decimal(repr(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share(value: float | None) -> str:
    """0.4762 → '47,6 %'; 0.4 → '40 %'."""
    percent = percent_of_share(value)
    return MISSING if percent is None else _one_decimal(percent) + NBSP + "%"


def share_change(now: float | None, before: float | None) -> str:
    """The change between two shares in percentage points: '+4,8 procentenheter'."""
    if now is None or before is None:
        return MISSING
    points = ((Decimal(repr(now)) - Decimal(repr(before))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ("+" if points > 0 else "") + _one_decimal(points) + NBSP + "procentenheter"


def decimal_text(value: str | None, *, signed: bool = False) -> str:
    """A decimal the API writes as text ("3.20", "-0.44") with a decimal comma: '3,20', '−0,44', '+0,20'."""
    if value is None:
        return MISSING
    number = Decimal(value)
    text = format(abs(number), "f").replace(".", ",")
    sign = MINUS if number < 0 else ("+" if signed and number > 0 else "")
    return sign + text


def day(value: date | str | None) -> str:
    if value is None:
        return MISSING
    return value.isoformat() if isinstance(value, date) else date.fromisoformat(value).isoformat()


def yes_no(value: bool | None) -> str:
    return MISSING if value is None else ("ja" if value else "nej")
