"""Numbers and sentences in Swedish, as the report's figures say them: "12 av 21 län har lämnat lägesrapport",
"4 000 000 kr", "60,0 %"."""

from __future__ import annotations

NBSP = "\u00a0"


def grouped(number: int) -> str:
    """12345678 -> '12 345 678' (groups of three, no-break spaces)."""
    sign = "-" if number < 0 else ""
    digits = str(abs(number))
    groups = [digits[max(i - 3, 0):i] for i in range(len(digits), 0, -3)][::-1]
    return sign + NBSP.join(groups)


def kronor(ore: int) -> str:
    """122553500 -> '1 225 535 kr'; öre shown only when there are any: 5050 -> '50,50 kr'."""
    whole, rest = divmod(abs(ore), 100)
    text = grouped(whole) + (f",{rest:02d}" if rest else "")
    return ("-" if ore < 0 else "") + text + NBSP + "kr"


def decimal(value: float, places: int = 1) -> str:
    """60.0 -> '60,0'."""
    return f"{value:.{places}f}".replace(".", ",")


def share_text(value: float | None) -> str:
    """A percentage as a sentence gives it: '60,0 %' (NBSP before the sign), or 'okänd andel'."""
    return "okänd andel" if value is None else decimal(value) + NBSP + "%"


def of(count: int, total: int, noun: str, predicate: str) -> str:
    """'12 av 21 län har lämnat lägesrapport'."""
    return f"{count} av {total} {noun} {predicate}"

