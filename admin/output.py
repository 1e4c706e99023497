"""How commands show what they did: rich tables for people, the API's JSON with `rss --json ...`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from admin.platform import Platform

console = Console(highlight=False)
progress_console = Console(stderr=True, highlight=False)


def platform_of(ctx: typer.Context) -> Platform:
    return ctx.obj


def show_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def show_record(title: str, record: dict[str, Any], fields: Sequence[str]) -> None:
    console.print(title)
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name in fields:
        table.add_row(name, text(record.get(name)))
    console.print(table)


def show_table(title: str, rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    """`columns`: (heading, field) pairs."""
    console.print(title)
    table = Table()
    for heading, _ in columns:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(*(text(row.get(name)) for _, name in columns))
    console.print(table)


def text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def counted(number: int, one: str, many: str) -> str:
    """'1 delivery', '3 deliveries'."""
    return f"{number} {one if number == 1 else many}"


def grouped(number: int) -> str:
    """12 345 678: digits in groups of three, as Swedish figures are written."""
    return f"{number:,}".replace(",", " ")
