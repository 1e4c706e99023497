"""`rss demo load`: a fictional year of the platform's work (deploy/demo_year.py), loaded through the API."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import inspect
from typing import Annotated, Any

import typer

from admin.output import console, platform_of, show_json
from admin.platform import CommandFailed

app = typer.Typer(help="Fictional demonstration data.", epilog="Example: rss demo load", no_args_is_help=True)

DEMO_MODULE = "deploy.demo_year"


def demo_loader() -> Any:
    """deploy.demo_year.load_demo_year, imported when asked for: the scenario ships with the platform's
    repository, not every installation has it."""
    try:
        module = importlib.import_module(DEMO_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name is not None and DEMO_MODULE.startswith(exc.name):
            raise CommandFailed(f"the demo scenario is not in this installation ({DEMO_MODULE} is missing): run "
                                "rss from the platform's repository") from None
        raise
    loader = getattr(module, "load_demo_year", None)
    if loader is None:
        raise CommandFailed(f"{DEMO_MODULE} has no load_demo_year(url, admin_key)")
    return loader


@app.command("load")
def load(ctx: typer.Context,
         year: Annotated[int | None, typer.Option(help="The demo year (default: this year).")] = None) -> None:
    """Load a fictional year (funding for Dalarna and Stockholm, a needs survey, status reports, activities)
    through the API; a year already loaded is left as it is.

    Every person and figure in it is made up. Needs a national administrator's key.

    Example:

        rss --key "$ADMIN_KEY" demo load --year 2026
    """
    platform = platform_of(ctx)
    platform.require_key()
    loader = demo_loader()
    try:
        result = loader(platform.url, platform.key, year=year,
                        progress=None if platform.json_output else console.print)
    except Exception as exc:  # the scenario's own failure (an API answer it did not expect), said in one line
        raise CommandFailed(f"{type(exc).__name__}: {exc}") from None
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    summary = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else result
    if platform.json_output:
        show_json(summary)
        return
    if isinstance(summary, dict):
        for name, value in summary.items():
            console.print(f"{name}: {value}")
    console.print("Demo year loaded.")
