"""`rss demo load`: a fictional year of the platform's work (deploy/demo_year.py), loaded through the API."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any

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
def load(ctx: typer.Context) -> None:
    """Load a fictional year (organisations' people, funding, surveys, activities) through the API.

    Every person and figure in it is made up. Needs a national administrator's key.

    Example:

        rss --key "$ADMIN_KEY" demo load
    """
    platform = platform_of(ctx)
    platform.require_key()
    result = demo_loader()(platform.url, platform.key)
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    if platform.json_output:
        show_json(result)
        return
    if isinstance(result, dict):
        for name, value in result.items():
            console.print(f"{name}: {value}")
    elif result is not None:
        console.print(str(result))
    console.print("Demo year loaded.")
