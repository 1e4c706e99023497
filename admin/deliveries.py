"""`rss deliveries list`: the annual reports sent (or being sent) to SKR, and how each delivery went."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from admin.output import counted, platform_of, show_json, show_table

app = typer.Typer(help="Deliveries of the annual report to SKR.", epilog="Example: rss deliveries list",
                  no_args_is_help=True)


class Status(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


COLUMNS = (("id", "id"), ("year", "year"), ("version", "version"), ("status", "status"),
           ("attempts", "attempt_count"), ("last outcome", "last_outcome"), ("reason", "reason"),
           ("next attempt", "next"))


def last_attempt(delivery: dict[str, Any]) -> dict[str, Any]:
    attempts = delivery.get("attempts") or []
    return attempts[-1] if attempts else {}


@app.command("list")
def list_deliveries(ctx: typer.Context,
                    status: Annotated[Status | None, typer.Option(help="Only pending, delivered or failed "
                                                                       "deliveries.")] = None) -> None:
    """List the deliveries of the annual report to SKR.

    Example:

        rss deliveries list --status failed
    """
    platform = platform_of(ctx)
    deliveries = platform.pages("/reporting/deliveries", {"status": status.value} if status else {})
    if platform.json_output:
        show_json(deliveries)
        return
    rows = [d | {"attempt_count": len(d.get("attempts") or []),
                 "last_outcome": last_attempt(d).get("outcome"),
                 "reason": d.get("reason") or last_attempt(d).get("reason"),
                 "next": d.get("next_attempt_at") or last_attempt(d).get("next_attempt_at")} for d in deliveries]
    show_table(counted(len(rows), "delivery", "deliveries"), rows, COLUMNS)
