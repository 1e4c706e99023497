"""What a page is made of: sections holding tables, charts and figures, each naming the API call behind it.

A table is typed by its columns, so the page, its CSV and its XLSX show the same values each in its own way: money
is integer öre (the page writes `1 225 535 kr`, a file kronor as a number), a share is 0..1 (the page writes
`47,6 %`, a file the percent as a number), a date is a date. The page's tables and the files the page offers are
built by the same code from the same answers, so a downloaded table is the table on the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal
from urllib.parse import urlencode

from services.dashboard import formats
from shared.spreadsheet_export import Column, write_csv, write_xlsx

Kind = Literal["text", "money", "count", "share", "date", "yes_no", "decimal", "change"]
NUMERIC: frozenset[str] = frozenset({"money", "count", "share", "decimal", "change"})


@dataclass(frozen=True)
class Link:
    """A cell's text that leads somewhere (a county's page)."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Col:
    id: str
    label: str
    kind: Kind = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Row:
    cells: tuple[object, ...]
    key: str | None = None  # what the row is about (a county code, an agreement id): data-key on the page
    total: bool = False


@dataclass
class Table:
    name: str  # the file's name: lower case, digits and '-'
    title: str
    columns: tuple[Col, ...]
    rows: list[Row] = field(default_factory=list)
    empty: str = "Inga uppgifter."
    note: str | None = None

    def add(self, *cells: object, key: str | None = None, total: bool = False) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"table {self.name}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(Row(cells=tuple(cells), key=key, total=total))


@dataclass(frozen=True)
class ApiLink:
    """The API call that gives a part of the page its data, as the gateway answers it."""

    path: str
    params: tuple[tuple[str, str], ...] = ()
    needs_key: bool = True

    @classmethod
    def of(cls, path: str, params: dict[str, object] | None = None, *, needs_key: bool = True) -> ApiLink:
        kept = tuple((k, v.isoformat() if isinstance(v, date) else str(v))
                     for k, v in (params or {}).items() if v is not None)
        return cls(path=path, params=kept, needs_key=needs_key)

    @property
    def url(self) -> str:
        return self.path + ("?" + urlencode(self.params) if self.params else "")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | int | None, ...]


@dataclass(frozen=True)
class Chart:
    """A bar chart over the rows of a table (its alternative for people who do not see the chart)."""

    id: str
    title: str
    table: str  # the table's name: the chart's figure links to it
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: Literal["kr", "%", ""] = ""

    def option(self) -> dict[str, object]:
        """What the page's script draws (the chart's data, in JSON): categories, series and the unit."""
        return {"title": self.title, "unit": self.unit, "categories": list(self.categories),
                "series": [{"name": s.name, "values": list(s.values)} for s in self.series]}


@dataclass(frozen=True)
class Figure:
    """A number said in words: `12 av 21 län har lämnat lägesrapport`. A highlight is also shown at the top of
    the page, among the page's key figures, and not again in its section."""

    key: str
    label: str
    value: int | float | None
    of: int | None = None
    kind: Kind = "count"
    highlight: bool = False

    @property
    def text(self) -> str:
        return cell_text(Col(self.key, self.label, self.kind), self.value)


@dataclass
class Section:
    key: str  # the section's anchor and the name its tables are offered under
    title: str
    sources: list[ApiLink] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    unavailable: str | None = None  # why the section's data could not be read: the rest of the page stands

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def cell_text(column: Col, value: object) -> str:
    """A value as the page shows it."""
    if value is None:
        return formats.MISSING
    match column.kind:
        case "money":
            return formats.money(value)  # type: ignore[arg-type]
        case "count":
            return formats.count(value)  # type: ignore[arg-type]
        case "share":
            return formats.share(value)  # type: ignore[arg-type]
        case "date":
            return formats.day(value)  # type: ignore[arg-type]
        case "yes_no":
            return formats.yes_no(value)  # type: ignore[arg-type]
        case "decimal":
            return formats.decimal_text(value)  # type: ignore[arg-type]
        case "change":
            return formats.decimal_text(value, signed=True)  # type: ignore[arg-type]
    return str(value)


def cell_data(column: Col, value: object) -> str | None:
    """A number's exact value for programs reading the page (data-value): öre, counts, shares as the API gave
    them."""
    if value is None or not column.numeric:
        return None
    return str(value)


def _file_value(column: Col, value: object) -> object:
    if value is None:
        return None
    match column.kind:
        case "money":
            return Decimal(value).scaleb(-2).quantize(Decimal("0.01"))  # type: ignore[arg-type]
        case "share":
            return formats.percent_of_share(value)  # type: ignore[arg-type]
        case "decimal" | "change":
            return Decimal(value)  # type: ignore[arg-type]
        case "yes_no":
            return bool(value)
        case "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
    return str(value) if isinstance(value, Link) else value


def _file_columns(table: Table) -> list[Column]:
    return [Column(c.id, c.label + (" (%)" if c.kind == "share" else " (kr)" if c.kind == "money" else ""))
            for c in table.columns]


def _file_rows(table: Table) -> list[list[object]]:
    return [[_file_value(c, v) for c, v in zip(table.columns, row.cells, strict=True)] for row in table.rows]


def as_csv(table: Table) -> bytes:
    """The table as CSV for Swedish Excel (shared.spreadsheet_export: BOM, `;`, decimal comma)."""
    return write_csv(_file_columns(table), _file_rows(table))


def as_xlsx(table: Table) -> bytes:
    sheet = "".join("-" if ch in "[]:*?/\\" else ch for ch in table.title)[:31]
    return write_xlsx({sheet: (_file_columns(table), _file_rows(table))})


def tables_of(sections: Sequence[Section]) -> dict[str, Table]:
    return {t.name: t for s in sections for t in s.tables}
