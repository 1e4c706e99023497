"""`rss`: the administrators' command line. It works against a running platform through its API (the gateway at
--url, RSS_URL) with a national administrator's key (--key, RSS_API_KEY), like any other client.

Every command fails with one line and exit status 1: the problem the platform answered (status, title, detail),
or "cannot reach <url>: ...".
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from admin import deliveries, demo, keys, population, reports
from admin.platform import DEFAULT_URL, CommandFailed, Platform, one_line

app = typer.Typer(
    name="rss",
    help="Administer the RSS platform through its API: keys, the annual report, population figures, demo data.",
    epilog="Example: rss --url https://rss.example.se --key \"$RSS_API_KEY\" keys list",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    context_settings={"help_option_names": ["--help", "-h"]})
app.add_typer(keys.app, name="keys")
app.add_typer(reports.app, name="report")
app.add_typer(deliveries.app, name="deliveries")
app.add_typer(population.app, name="population")
app.add_typer(demo.app, name="demo")


@app.callback()
def platform(ctx: typer.Context,
             url: Annotated[str, typer.Option(envvar="RSS_URL", help="The platform's gateway.")] = DEFAULT_URL,
             key: Annotated[str | None, typer.Option(envvar="RSS_API_KEY", show_default=False,
                                                     help="A national administrator's API key.")] = None,
             json_output: Annotated[bool, typer.Option("--json", help="Print the API's JSON answers instead of "
                                                                       "tables.")] = False) -> None:
    """Administer the RSS platform through its API: keys, the annual report, population figures, demo data.

    Example:

        RSS_URL=http://127.0.0.1:8000 RSS_API_KEY=rss_skradmin_... rss keys list
    """
    ctx.obj = Platform(url=url, key=key, json_output=json_output)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """The `rss` console script."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="rss", standalone_mode=False)
    except typer.TyperException as exc:  # the command line itself was wrong (usage), or a file could not be read
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # `rss keys`: the group's help, as --help shows it
            typer.echo(exc.format_message())
            sys.exit(0)
        where = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        fail(exc.format_message() + where, status=exc.exit_code)
    except CommandFailed as exc:
        fail(str(exc))
    except (KeyboardInterrupt, typer.Abort):
        fail("interrupted")
    except BrokenPipeError:  # the reader went away (`rss keys list | head`): nothing more to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # a command's own failure: one line, never a traceback
        fail(f"{type(exc).__name__}: {exc}")
    sys.exit(code if isinstance(code, int) else 0)


def fail(message: str, *, status: int = 1) -> None:
    print(f"rss: {one_line(message)}", file=sys.stderr)
    sys.exit(status)
