"""`rss report ...`: the annual report to SKR (the reporting service, /reporting): compose a version, read it in
any of its formats, send it."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from admin.output import console, platform_of, show_json, show_record
from admin.platform import CommandFailed, Platform

app = typer.Typer(help="The annual report: compose a version, show or save it, send it to SKR.",
                  epilog="Example: rss report generate 2026", no_args_is_help=True)

Year = Annotated[int, typer.Argument(help="The report's year.", min=2000, max=2100)]
VersionOption = Annotated[int | None, typer.Option("--version", help="A stored version (default: the latest).",
                                                   min=1)]


class Format(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"
    pdf = "pdf"


VERSION_FIELDS = ("year", "version", "as_of", "generated_at", "content_hash", "empty")


def latest_version(platform: Platform, year: int) -> int:
    return int(platform.get(f"/reporting/reports/{year}")["version"])


def document_path(year: int, version: int | None) -> str:
    return f"/reporting/reports/{year}" if version is None else f"/reporting/reports/{year}/versions/{version}"


def file_path(year: int, version: int, form: Format, table: str | None) -> str:
    if form is Format.csv:
        return f"/reporting/reports/{year}/versions/{version}/tables/{table}.csv"
    return f"/reporting/reports/{year}/versions/{version}.{form.value}"


@app.command("generate")
def generate(ctx: typer.Context, year: Year,
             as_of: Annotated[str | None, typer.Option("--as-of", help="The date the report describes, "
                                                                       "YYYY-MM-DD (default: today).")] = None,
             ) -> None:
    """Compose the year's report: a new version when anything changed since the latest, else the latest.

    Example:

        rss report generate 2026 --as-of 2026-12-06
    """
    if as_of is not None:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter(f"'{as_of}' is not a date (YYYY-MM-DD)", param_hint="--as-of") from None
    platform = platform_of(ctx)
    body: dict[str, Any] = {"year": year} | ({"as_of": as_of} if as_of else {})
    response = platform.post("/reporting/reports", body)
    version = response.json()
    if platform.json_output:
        show_json(version)
        return
    what = "new version" if response.status_code == 201 else "unchanged since the latest version"
    show_record(f"Annual report {year}, version {version.get('version')}: {what}", version, VERSION_FIELDS)


@app.command("show")
def show(ctx: typer.Context, year: Year, version: VersionOption = None,
         form: Annotated[Format, typer.Option("--format", help="json, csv (one table: --table), xlsx, html or "
                                                               "pdf.")] = Format.json,
         table: Annotated[str | None, typer.Option(help="One table by name (money, rss, ...): with csv, or to "
                                                        "show only it as JSON.")] = None,
         output: Annotated[Path | None, typer.Option(help="Write to this file (xlsx, html and pdf are written to "
                                                          "annual-report-YEAR-vN.<format> when not given).")]
         = None) -> None:
    """Show or save a version of the year's report in one of its formats.

    Example:

        rss report show 2026 --format xlsx --output arsrapport-2026.xlsx
    """
    platform = platform_of(ctx)
    if form is Format.json:
        document = platform.get(document_path(year, version))
        if table is not None:
            found = [t for t in document.get("tables", []) if t.get("name") == table]
            if not found:
                names = ", ".join(t.get("name", "?") for t in document.get("tables", []))
                raise CommandFailed(f"the report has no table '{table}' (its tables: {names or 'none'})")
            document = found[0]
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if output is None:
            typer.echo(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            console.print(f"Wrote {output} ({output.stat().st_size} bytes).")
        return
    if form is Format.csv and table is None:
        raise typer.BadParameter("a CSV file holds one table: name it with --table (e.g. --table money)",
                                 param_hint="--table")
    number = version if version is not None else latest_version(platform, year)
    content = platform.request("GET", file_path(year, number, form, table), expect=(200,)).content
    if form is Format.csv and output is None:
        typer.echo(content.decode("utf-8-sig"), nl=False)
        return
    target = output or Path(f"annual-report-{year}-v{number}.{form.value}")
    target.write_bytes(content)
    console.print(f"Wrote {target} ({len(content)} bytes): the {year} report, version {number}, as {form.value}.")


@app.command("send")
def send(ctx: typer.Context, year: Year, version: VersionOption = None) -> None:
    """Send a version of the year's report to SKR (once: sending it again shows the same delivery).

    Example:

        rss report send 2026 --version 3
    """
    platform = platform_of(ctx)
    number = version if version is not None else latest_version(platform, year)
    response = platform.post(f"/reporting/reports/{year}/versions/{number}/deliveries")
    delivery = response.json()
    if platform.json_output:
        show_json(delivery)
        return
    what = "to be delivered" if response.status_code == 202 else "already on its way (the same delivery)"
    console.print(f"The {year} report, version {number}, is {what}: delivery {delivery.get('id')}, "
                  f"status {delivery.get('status')}.")
