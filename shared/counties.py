"""Sweden's 21 counties by their SCB code (län, SCB's standard since 2007): the names an export shows beside a
county code, so that a spreadsheet reads "20 Dalarnas län" without a call to the registry. The registry's
geography carries the same names (its reference data), and a test holds the two to one list."""

from __future__ import annotations

COUNTY_NAMES: dict[str, str] = {
    "01": "Stockholms län", "03": "Uppsala län", "04": "Södermanlands län", "05": "Östergötlands län",
    "06": "Jönköpings län", "07": "Kronobergs län", "08": "Kalmar län", "09": "Gotlands län",
    "10": "Blekinge län", "12": "Skåne län", "13": "Hallands län", "14": "Västra Götalands län",
    "17": "Värmlands län", "18": "Örebro län", "19": "Västmanlands län", "20": "Dalarnas län",
    "21": "Gävleborgs län", "22": "Västernorrlands län", "23": "Jämtlands län", "24": "Västerbottens län",
    "25": "Norrbottens län",
}


def county_name(code: str | None) -> str | None:
    """The county's name for its two-digit code; None for no code or one naming no county."""
    return COUNTY_NAMES.get(code) if code else None
