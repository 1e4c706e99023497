"""Horizontal bar charts of a report's table as inline SVG: no script, no external asset, text escaped.

A table gets a chart when it has rows (at most `MAX_BARS`), a text column to name the bars and a number column to
draw: the first percent column, else the first money column, else the first integer column that is not a rank.
Each bar is named by the row's first run of text columns (the county; the agreement and the county; the need) and
shows its value as the page writes it (`numbers.for_people`). Negative values draw to the left of the zero line;
a null value has no bar and shows `–`. The chart is an image with a title and a description for people who cannot
see it; its table, which the page always prints after it, is the accessible alternative.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from markupsafe import Markup, escape

from services.reporting.formats.numbers import for_people, kronor, percent_number

MAX_BARS: Final = 30
WIDTH: Final = 640
LABEL_WIDTH: Final = 210
VALUE_WIDTH: Final = 120
BAR_HEIGHT: Final = 16
GAP: Final = 6
TOP: Final = 8
BAR_COLOUR: Final = "#2a6496"  # 6.0:1 against white
TEXT_STYLE: Final = 'font-size="10" fill="#111111"'
_PREFERENCE: Final = ("percent", "money", "integer")
_NOT_CHARTED: Final = frozenset({"rank"})


@dataclass(frozen=True)
class ChartPlan:
    """What a chart draws: the value column and the columns whose texts name the bars."""

    value_column: dict[str, Any]
    label_columns: tuple[dict[str, Any], ...]


def chart_plan(table: dict[str, Any]) -> ChartPlan | None:
    """The columns a chart of this table draws, or None when the table is not one to chart."""
    rows = table["rows"]
    if not rows or len(rows) > MAX_BARS:
        return None
    columns = table["columns"]
    labels = tuple(itertools.takewhile(_is_text, itertools.dropwhile(lambda c: not _is_text(c), columns)))
    for wanted in _PREFERENCE:
        for index, column in enumerate(columns):
            if column["type"] != wanted or column["name"] in _NOT_CHARTED:
                continue
            if all(row.get(column["name"]) is None for row in rows):
                continue
            if labels:
                return ChartPlan(column, labels)
    return None


def bar_chart(table: dict[str, Any], *, chart_id: str) -> Markup | None:
    """The chart as an `<svg>` element ready to place in the page, or None (see `chart_plan`)."""
    plan = chart_plan(table)
    if plan is None:
        return None
    column = plan.value_column
    bars = [(" · ".join(str(row.get(c["name"]) or "–") for c in plan.label_columns), row.get(column["name"]))
            for row in table["rows"]]
    numbers = [_number(value, column["type"]) for _, value in bars]
    highest = max([n for n in numbers if n is not None and n > 0], default=Decimal(0))
    lowest = min([n for n in numbers if n is not None and n < 0], default=Decimal(0))
    span = (highest - lowest) or Decimal(1)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    zero = LABEL_WIDTH + float(-lowest / span) * plot
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    title = f"{table['title']}: {column['title']}"
    description = (f"Stapeldiagram över {column['title'].lower()} per "
                   f"{' och '.join(c['title'].lower() for c in plan.label_columns)}; "
                   "samma uppgifter står i tabellen under diagrammet.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for index, ((label, value), number) in enumerate(zip(bars, numbers, strict=True)):
        y = TOP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2
        parts.append(f'<text class="label" x="{LABEL_WIDTH - 6}" y="{middle:.1f}" text-anchor="end" {TEXT_STYLE} '
                     f'dominant-baseline="central">{escape(_short(label))}</text>')
        end = zero
        if number is not None and number != 0:
            length = float(abs(number) / span) * plot
            x = zero if number > 0 else zero - length
            end = zero + length if number > 0 else zero
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{BAR_COLOUR}"/>')
        parts.append(f'<text class="value" x="{max(end, zero) + 4:.1f}" y="{middle:.1f}" '
                     f'{TEXT_STYLE} dominant-baseline="central">{escape(for_people(value, column["type"]))}</text>')
    parts.append(f'<line class="axis" x1="{zero:.1f}" y1="{TOP - 2}" x2="{zero:.1f}" y2="{height - TOP + 2}" '
                 'stroke="#555555" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _is_text(column: dict[str, Any]) -> bool:
    return column["type"] == "string"


def _number(value: object, column_type: str) -> Decimal | None:
    if value is None:
        return None
    if column_type == "money":
        return kronor(value)  # type: ignore[arg-type]
    if column_type == "percent":
        return percent_number(value)  # type: ignore[arg-type]
    return Decimal(value)  # type: ignore[arg-type]


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
