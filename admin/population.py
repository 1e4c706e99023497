"""`rss population import`: a year's population per municipality, as SCB publishes it, into the actor registry as
a population basis (`POST /actors/population-bases`), which funding's allocations and co-financing cite."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from admin.output import console, grouped, platform_of, progress_console, show_json
from admin.platform import CommandFailed
from admin.scb import PopulationTable, ScbFileError, read_population_table

app = typer.Typer(help="The registry's population figures: import SCB's yearly population table.",
                  epilog="Example: rss population import folkmangd_2024.csv --year 2024", no_args_is_help=True)

MAX_SOURCE_LENGTH = 300  # the registry's bound on a basis's source


def basis_id(year: int) -> str:
    """The id SCB's population on 31 December of a year has in the registry (its shipped years use the same)."""
    return f"scb-{year}-12-31"


def read_with_progress(data: bytes, year: int) -> PopulationTable:
    """The file read, with a progress bar on a terminal (a table by age and sex runs to tens of thousands of
    rows)."""
    with Progress(TextColumn("Reading SCB's table"), BarColumn(), MofNCompleteColumn(), console=progress_console,
                  transient=True, disable=not progress_console.is_terminal) as bar:
        task = bar.add_task("read", total=None)
        return read_population_table(data, year, progress=lambda done, total: bar.update(task, completed=done,
                                                                                       total=total))


@app.command("import")
def import_table(ctx: typer.Context,
                 file: Annotated[Path, typer.Argument(help="The CSV file exported from SCB's statistical database.",
                                                      exists=True, dir_okay=False, readable=True)],
                 year: Annotated[int, typer.Option(help="The year whose population to import (its column in the "
                                                        "file).", min=1900, max=2100)],
                 name: Annotated[str | None, typer.Option(help="The basis's name (default: SCB: folkmängd per "
                                                              "kommun 31 december YEAR).")] = None,
                 basis: Annotated[str | None, typer.Option("--id", help="The basis's id (default: scb-YEAR-12-31, "
                                                                        "the registry's name for SCB's figures "
                                                                        "of that year).")] = None,
                 source: Annotated[str | None, typer.Option(help="Where the figures come from (default: SCB and "
                                                                "the table's title).")] = None,
                 reference_date: Annotated[str | None, typer.Option(help="The date the figures count the "
                                                                        "population on (default: YEAR-12-31).")]
                 = None) -> None:
    """Import SCB's population per municipality for one year as a population basis.

    The file is SCB's table as its statistical database exports it as CSV: a region column with code and name
    ("2080 Falun"), age and sex columns (totals are used, or the parts summed), one column per year; Latin-1 or
    UTF-8. Counties and the country's total are left out. Importing the same figures again changes nothing.

    Example:

        rss population import folkmangd_2024.csv --year 2024
    """
    platform = platform_of(ctx)
    platform.require_key()
    try:
        table = read_with_progress(file.read_bytes(), year)
    except ScbFileError as exc:
        raise CommandFailed(f"{file}: {exc}") from None
    on = reference_date or date(year, 12, 31).isoformat()
    body = {
        "id": basis or basis_id(year),
        "name": name or f"SCB: folkmängd per kommun 31 december {year}",
        "source": (source or f"SCB, Statistikdatabasen: {table.title or file.name}")[:MAX_SOURCE_LENGTH],
        "reference_date": on,
        "rows": [{"code": row.code, "population": row.population} for row in table.rows],
    }
    response = platform.post("/actors/population-bases", body)
    stored = response.json()
    if platform.json_output:
        show_json(stored)
        return
    what = "stored" if response.status_code == 201 else "already stored with the same figures"
    console.print(f"Population basis {stored['id']} {what}: {len(table.rows)} municipalities, "
                  f"{grouped(table.total)} people on {on}.")
