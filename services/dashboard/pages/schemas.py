"""What a page's address asks for: a year and a date (`?ar=2026&datum=2026-12-06`), a county (`/lan/20`), two dates
of a history (`?fran=…&till=…`). Read here, once; whatever cannot name a page is a Swedish error page, never an
echo of the address.

Defaults: the year is this year (in Swedish time) and the date today; a past year's date defaults to its last
day, so `?ar=2019` shows 2019 as it ended. A year outside 2000-2100 names no page (the API's own bounds), nor
does a county code that is not one of the 21 counties' (shared.counties, the registry's list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from shared.counties import COUNTY_NAMES

FIRST_YEAR, LAST_YEAR = 2000, 2100
HISTORY_YEARS = 5  # a history without `fran` looks back this many years
_YEAR = re.compile(r"^[0-9]{4}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COUNTY = re.compile(r"^[0-9]{2}$")


class PageError(Exception):
    """A page that cannot be shown, said in Swedish: 404 (no such page) or 400 (an address it cannot read)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


def not_found(message: str) -> PageError:
    return PageError(404, "Sidan finns inte", message)


@dataclass(frozen=True)
class Period:
    year: int
    on: date
    year_given: bool = False
    date_given: bool = False

    def query(self) -> dict[str, str]:
        """The page's own parameters, for links that keep the period."""
        return {"ar": str(self.year), "datum": self.on.isoformat()}


def read_date(value: str, what: str) -> date:
    if not _DATE.match(value):
        raise PageError(400, "Datumet kan inte läsas", f"{what} skrivs ÅÅÅÅ-MM-DD, till exempel 2026-12-06.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PageError(400, "Datumet kan inte läsas", f"{what} är inget datum som finns.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise not_found(f"Plattformen visar åren {FIRST_YEAR}–{LAST_YEAR}.")
    return day


def read_period(ar: str | None, datum: str | None, today: date) -> Period:
    year = today.year
    if ar:
        if not _YEAR.match(ar) or not FIRST_YEAR <= int(ar) <= LAST_YEAR:
            raise not_found(f"Det finns ingen sida för det året. Plattformen visar åren {FIRST_YEAR}–{LAST_YEAR}.")
        year = int(ar)
    if datum:
        on = read_date(datum, "Datumet")
    elif year < today.year:
        on = date(year, 12, 31)
    else:
        on = today
    return Period(year=year, on=on, year_given=bool(ar), date_given=bool(datum))


def read_county(code: str) -> str:
    if not _COUNTY.match(code) or code not in COUNTY_NAMES:
        raise not_found("Det finns inget län med den koden. Länen har koderna 01–25 enligt SCB.")
    return code


@dataclass(frozen=True)
class Span:
    start: date
    end: date

    def query(self) -> dict[str, str]:
        return {"fran": self.start.isoformat(), "till": self.end.isoformat()}


def read_span(fran: str | None, till: str | None, today: date) -> Span:
    end = read_date(till, "Till-datumet") if till else today
    if fran:
        start = read_date(fran, "Från-datumet")
    else:
        year = max(end.year - HISTORY_YEARS, FIRST_YEAR)
        start = date(year, end.month, end.day) if (end.month, end.day) != (2, 29) else date(year, 2, 28)
    if start > end:
        raise PageError(400, "Datumen kan inte läsas", "Från-datumet ska vara före till-datumet.")
    return Span(start=start, end=end)
