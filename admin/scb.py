"""Reading SCB's population tables as its statistical database (Statistikdatabasen) exports them as CSV.

What such a file looks like: an optional title line, a header row naming a region column, any number of
dimension columns (ålder, kön, ...) and either one column per year (wide) or an `år` column with the figure in a
column of its own (long); one row per region and combination of the dimensions:

    "Folkmängden per region, ålder och kön. År 1968 - 2024"

    "region","ålder","kön","2023","2024"
    "2080 Falun","totalt ålder","män",29512,29660
    "2080 Falun","totalt ålder","kvinnor",29770,29870

The region is its code and name ("2080 Falun"; "20 Dalarnas län" and "00 Riket" are counties and the country,
not municipalities, and are left out). The separator is a comma, a semicolon or a tab; the text is UTF-8 (with or
without a byte order mark) or, in older exports, Latin-1 (Windows-1252). A dimension with a total ("totalt",
"totalt ålder", "samtliga", ...) is read at its total; one without (män and kvinnor, ages one by one) is summed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_REGION = re.compile(r"^\s*(\d{2}|\d{4})(?:\s+(.*\S))?\s*$")
_YEAR_COLUMN_NAMES = frozenset({"år", "year", "tid"})
_MISSING = frozenset({"", "..", ".", "-", "–"})


class ScbFileError(ValueError):
    """The file is not an SCB population table this reader understands; the message says where and why."""


@dataclass(frozen=True)
class MunicipalityPopulation:
    code: str
    name: str
    population: int


@dataclass(frozen=True)
class PopulationTable:
    title: str | None
    year: int
    rows: list[MunicipalityPopulation]

    @property
    def total(self) -> int:
        return sum(row.population for row in self.rows)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte order mark dropped), else Windows-1252 / Latin-1 as older exports are."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def is_total(value: str) -> bool:
    text = value.strip().lower()
    return text.startswith(("totalt", "total", "samtliga", "alla ")) or text in {
        "båda könen", "män och kvinnor", "kvinnor och män", "alla"}


def _header_at(lines: list[str]) -> tuple[int, str, list[str]]:
    """(line index, delimiter, columns) of the header row: the first row naming a region column."""
    for index, line in enumerate(lines[:50]):
        if "region" not in line.lower():
            continue
        best: tuple[int, str, list[str]] | None = None
        for delimiter in DELIMITERS:
            columns = next(csv.reader([line], delimiter=delimiter))
            if any(c.strip().lower().startswith("region") for c in columns) and (
                    best is None or len(columns) > len(best[2])):
                best = (index, delimiter, columns)
        if best is not None and len(best[2]) > 1:
            return best
    raise ScbFileError("no header row with a region column in the first 50 lines: export the table from SCB's "
                       "statistical database as CSV with its headings (e.g. \"region\",\"ålder\",\"kön\",\"2024\")")


def read_population_table(data: bytes, year: int, *,
                          progress: Callable[[int, int], None] | None = None) -> PopulationTable:
    """The population of each municipality in `year`; `progress(rows read, rows in all)` is called as it reads."""
    lines = decode(data).splitlines()
    header_index, delimiter, columns = _header_at(lines)
    title = next((line.strip().strip('"').strip() for line in lines[:header_index] if line.strip()), None)
    names = [c.strip() for c in columns]
    lowered = [n.lower() for n in names]
    region = next(i for i, n in enumerate(lowered) if n.startswith("region"))
    year_column = next((i for i, n in enumerate(lowered) if n in _YEAR_COLUMN_NAMES), None)
    if year_column is not None:  # long: an år column, the figure in the one column after the dimensions
        value_columns = [i for i in range(len(names)) if i not in (region, year_column)]
        value = value_columns[-1]
        dimensions = value_columns[:-1]
        row_year = year_column
    else:  # wide: one column per year
        years = {i: int(m.group(1)) for i, n in enumerate(names) if i != region and (m := _YEAR.search(n))}
        if not years:
            raise ScbFileError(f"the header row names no year column (it has: {', '.join(names)})")
        chosen = [i for i, y in years.items() if y == year]
        if not chosen:
            raise ScbFileError(f"the file has no column for {year} (its years: "
                               f"{', '.join(str(y) for y in sorted(set(years.values())))})")
        if len(chosen) > 1:
            raise ScbFileError(f"the file has several columns for {year} ({', '.join(names[i] for i in chosen)}); "
                               "export the population (folkmängd) alone")
        value = chosen[0]
        dimensions = [i for i in range(len(names)) if i != region and i not in years]
        row_year = None
    body = lines[header_index + 1:]
    rows = [(header_index + 2 + n, row) for n, row in enumerate(csv.reader(body, delimiter=delimiter))
            if any(cell.strip() for cell in row)]
    totals = {d for d in dimensions if any(len(row) > d and is_total(row[d]) for _, row in rows)}
    figures: dict[str, int] = {}
    labels: dict[str, str] = {}
    for line_number, row in _rows_with_progress(rows, progress):
        if len(row) <= max(region, value, *(dimensions or [0])):
            raise ScbFileError(f"line {line_number}: {len(row)} columns, the header row has {len(names)}")
        if row_year is not None and _YEAR.search(row[row_year]) is None:
            raise ScbFileError(f"line {line_number}: '{row[row_year]}' in the {names[row_year]} column is no year")
        if row_year is not None and int(_YEAR.search(row[row_year]).group(1)) != year:  # type: ignore[union-attr]
            continue
        if any(not is_total(row[d]) for d in totals):
            continue  # a part of a total the file also holds
        match = _REGION.match(row[region])
        if match is None:
            raise ScbFileError(f"line {line_number}: the region '{row[region]}' has no code; export the regions "
                               "as code and name (e.g. \"2080 Falun\")")
        code = match.group(1)
        if len(code) != 4:
            continue  # the country (00) or a county (20): not a municipality
        population = _figure(row[value], line_number, names[value])
        figures[code] = figures.get(code, 0) + population
        labels.setdefault(code, match.group(2) or code)
    if not figures:
        raise ScbFileError(f"no municipality (four-digit region code) has a figure for {year}")
    return PopulationTable(title=title, year=year,
                           rows=[MunicipalityPopulation(code, labels[code], figures[code]) for code in sorted(figures)])


def _rows_with_progress(rows: list[tuple[int, list[str]]],
                        progress: Callable[[int, int], None] | None) -> Iterator[tuple[int, list[str]]]:
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and (done % 1000 == 0 or done == len(rows)):
            progress(done, len(rows))


def _figure(cell: str, line_number: int, column: str) -> int:
    text = re.sub(r"[\s\u00a0\u2009\u202f]", "", cell)
    if text in _MISSING:
        raise ScbFileError(f"line {line_number}: no figure in the {column} column ('{cell.strip()}')")
    if not text.isdigit():
        raise ScbFileError(f"line {line_number}: '{cell.strip()}' in the {column} column is not a whole number")
    return int(text)
