"""Reading a dashboard page as its tests do: its tables (by name, rows by key, cells by column: the text a person
reads and the exact value the cell carries), its figures, the sections that say they are unavailable, and the
addresses it loads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

NBSP = "\u00a0"
MINUS = "\u2212"


@dataclass
class Cell:
    text: str
    value: str | None  # data-value: the exact number (öre, a count, a share as the API gave it)


@dataclass
class Page:
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)  # name -> row key -> column -> cell
    figures: dict[str, tuple[int | float | None, int | None]] = field(default_factory=dict)  # value, of
    unavailable: dict[str, str] = field(default_factory=dict)  # section -> what it says
    sections: list[str] = field(default_factory=list)
    empty: set[str] = field(default_factory=set)
    loads: list[str] = field(default_factory=list)  # src and href of scripts, stylesheets and icons
    links: list[str] = field(default_factory=list)  # href of every <a>
    inline_scripts: list[str] = field(default_factory=list)  # the type of every <script> without src
    style_attributes: int = 0
    lang: str | None = None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.table: str | None = None
        self.row: str | None = None
        self.cell: tuple[str, str | None] | None = None
        self.text: list[str] = []
        self.capturing: str | None = None  # "cell", "unavailable", "figure"
        self.unavailable: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a:
            self.page.style_attributes += 1
        if tag == "html":
            self.page.lang = a.get("lang")
        if tag == "section" and a.get("data-section"):
            self.page.sections.append(a["data-section"] or "")
        if tag == "script":
            if a.get("src"):
                self.page.loads.append(a["src"] or "")
            else:
                self.page.inline_scripts.append(a.get("type") or "")
        if tag == "link" and a.get("href"):
            self.page.loads.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"] or "")
        if tag == "table" and a.get("data-table"):
            self.table = a["data-table"]
            self.page.tables[self.table] = {}
        if tag == "tr" and self.table is not None:
            self.row = a.get("data-key")
            if self.row is not None:
                self.page.tables[self.table][self.row] = {}
        if tag in ("td", "th") and self.table is not None and self.row is not None and a.get("data-col"):
            self.cell = (a["data-col"] or "", a.get("data-value"))
            self.text = []
            self.capturing = "cell"
        if tag == "p" and a.get("data-unavailable"):
            self.unavailable = a["data-unavailable"]
            self.text = []
            self.capturing = "unavailable"
        if tag == "p" and a.get("data-empty"):
            self.page.empty.add(a["data-empty"] or "")
        if tag == "li" and a.get("data-figure"):
            self.page.figures[a["data-figure"] or ""] = (_number(a.get("data-value")),
                                                          int(a["data-of"]) if a.get("data-of") else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.capturing == "cell" and self.cell is not None:
            column, value = self.cell
            assert self.table is not None and self.row is not None
            self.page.tables[self.table][self.row][column] = Cell(_collapsed("".join(self.text)), value)
            self.cell, self.capturing = None, None
        if tag == "p" and self.capturing == "unavailable" and self.unavailable is not None:
            self.page.unavailable[self.unavailable] = _collapsed("".join(self.text))
            self.unavailable, self.capturing = None, None
        if tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.capturing:
            self.text.append(data)


def _number(value: str | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.lstrip("-").isdigit() else float(value)


def _collapsed(text: str) -> str:
    """The text as shown: runs of spaces and line ends as one space; a no-break space stays what it is."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


def ore(amount: str) -> int:
    """The API's amount ("1225535.00", "-80000.50") as öre, without the dashboard's code."""
    negative = amount.startswith("-")
    whole, _, decimals = amount.lstrip("-").partition(".")
    value = int(whole) * 100 + int((decimals + "00")[:2])
    return -value if negative else value


def kronor_text(ore_value: int) -> str:
    """How a Swedish reader expects an amount: 1 225 535 kr, 250 000,50 kr (written here without the dashboard's
    formatter, so the page is checked against the rule and not against itself)."""
    whole, rest = divmod(abs(ore_value), 100)
    digits = re.sub(r"(?<=\d)(?=(\d{3})+$)", NBSP, str(whole))
    return (MINUS if ore_value < 0 else "") + digits + (f",{rest:02d}" if rest else "") + NBSP + "kr"


def percent_text(share: float) -> str:
    """0.4762 → '47,6 %', 0.4 → '40 %'."""
    tenths = int((Decimal(str(share)) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # 32.65 % → 32,7 %
    whole, tenth = divmod(tenths, 10)
    return f"{whole}" + (f",{tenth}" if tenth else "") + NBSP + "%"
