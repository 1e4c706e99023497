"""The annual report as one printable Swedish page (lang="sv"): the Jinja2 template templates/annual_report.html.j2,
autoescaped, with its CSS inline (A4, page numbers when printed) and its charts as inline SVG, so the page makes
no request of its own. Every value is written by `numbers.for_people` (`1 225 535 kr`, `33,3 %`, `ja`); each table
has a caption and column headers with scope="col", and each chart comes before its table, which carries the same
numbers for those who cannot see the chart."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.reporting.formats.charts import bar_chart, chart_plan
from services.reporting.formats.numbers import (
    NUMERIC_TYPES,
    figure_for_people,
    for_people,
    group_thousands,
    moment_for_people,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "annual_report.html.j2"
HTML_MEDIA_TYPE = "text/html; charset=utf-8"


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


def html_page(document: dict[str, Any]) -> str:
    """The report as an HTML document (a str; serve it as UTF-8)."""
    sources = {source["id"]: source for source in document["sources"]}
    report = {
        **{key: document[key] for key in ("year", "as_of", "version", "generated_at", "content_hash", "notes")},
        "sources": document["sources"],
        "generated": moment_for_people(document["generated_at"]),
        "figures": [{**figure, "shown": _figure_value(figure)} for figure in document["figures"]],
    }
    tables = [_table_view(table, sources) for table in document["tables"]]
    return _environment().get_template(TEMPLATE).render(report=report, tables=tables)


def _figure_value(figure: dict[str, Any]) -> str:
    shown = figure_for_people(figure["value"])
    if figure.get("of") is not None:
        shown += f" av {group_thousands(figure['of'])}"
    return shown


def _table_view(table: dict[str, Any], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    columns = table["columns"]
    plan = chart_plan(table)
    source = sources.get(table["source"])
    return {
        "name": table["name"],
        "title": table["title"],
        "columns": [{"title": column["title"], "numeric": column["type"] in NUMERIC_TYPES} for column in columns],
        "rows": [[{"text": for_people(row.get(column["name"]), column["type"]),
                   "numeric": column["type"] in NUMERIC_TYPES} for column in columns] for row in table["rows"]],
        "chart": bar_chart(table, chart_id=f"diagram-{table['name']}"),
        "chart_caption": (f"{plan.value_column['title'].lower()} per "
                          f"{' och '.join(c['title'].lower() for c in plan.label_columns)}") if plan else "",
        "source": (f"{source['service']}, {source['endpoint']}, per {source['as_of']}" if source
                   else table["source"]),
    }
