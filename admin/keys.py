"""`rss keys ...`: make, list, rotate and revoke API keys (the gateway's /keys; national administrators only)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from admin.output import console, counted, platform_of, show_json, show_record, show_table

app = typer.Typer(help="Make, list, rotate and revoke API keys (a national administrator's key is needed).",
                  epilog="Example: rss keys create --label \"Region Dalarna\" --role county --county 20",
                  no_args_is_help=True)

KEY_FIELDS = ("key_id", "label", "role", "county_code", "organisation_id", "subject", "active", "created_at",
              "created_by", "last_used_at", "revoked_at", "revoked_by", "rotated_from")
LIST_COLUMNS = (("key id", "key_id"), ("label", "label"), ("role", "role"), ("county", "county_code"),
                ("works", "active"), ("last used", "last_used_at"), ("revoked", "revoked_at"))


class Role(StrEnum):
    county = "county"
    respondent = "respondent"
    national_admin = "national_admin"
    dashboard = "dashboard"


class State(StrEnum):
    all = "all"
    active = "active"
    revoked = "revoked"


def _show_secret(ctx: typer.Context, created: dict, title: str) -> None:
    if platform_of(ctx).json_output:
        show_json(created)
        return
    show_record(title, created, KEY_FIELDS)
    # On a line of its own, never wrapped, so that it can be copied whole.
    typer.echo(f"Secret (shown this once; hand it to its holder, send it as X-API-Key): {created['secret']}")


@app.command("create")
def create(ctx: typer.Context,
           label: Annotated[str, typer.Option(help="Whose key it is and what for (Swedish text is fine).")],
           role: Annotated[Role, typer.Option(help="county, respondent, national_admin or dashboard.")],
           county: Annotated[str | None, typer.Option(help="The county's SCB code (20 for Dalarna): required for "
                                                           "county and respondent keys.")] = None,
           organisation: Annotated[str | None, typer.Option(help="A respondent key's organisation (e.g. the "
                                                                 "municipality code 2080).")] = None) -> None:
    """Make an API key and show its secret, this once.

    Example:

        rss keys create --label "Region Dalarna, RSS-systemet" --role county --county 20
    """
    body = {"label": label, "role": role.value, "county_code": county, "organisation_id": organisation}
    created = platform_of(ctx).post("/keys", {k: v for k, v in body.items() if v is not None}).json()
    _show_secret(ctx, created, f"Key {created['key_id']} made")


@app.command("list")
def list_keys(ctx: typer.Context,
              state: Annotated[State, typer.Option("--state", help="all, active (keys that work) or revoked.")]
              = State.all) -> None:
    """List the API keys (never their secrets).

    Example:

        rss keys list --state active
    """
    params = {} if state is State.all else {"revoked": "true" if state is State.revoked else "false"}
    keys = platform_of(ctx).pages("/keys", params)
    if platform_of(ctx).json_output:
        show_json(keys)
        return
    show_table(counted(len(keys), "API key", "API keys"), keys, LIST_COLUMNS)


@app.command("show")
def show(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id (not its secret).")]) -> None:
    """Show one API key (never its secret).

    Example:

        rss keys show county-20
    """
    key = platform_of(ctx).get(f"/keys/{key_id}")
    if platform_of(ctx).json_output:
        show_json(key)
        return
    show_record(f"Key {key_id}", key, KEY_FIELDS)


@app.command("rotate")
def rotate(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key to replace.")],
           grace: Annotated[int, typer.Option(help="Seconds the old key keeps working beside the new one "
                                                   "(0: it stops at once; at most 604800, 7 days).")] = 0) -> None:
    """Replace a key by a new one for the same caller, and show the new secret, this once.

    Example:

        rss keys rotate service-funding --grace 3600
    """
    created = platform_of(ctx).post(f"/keys/{key_id}/rotate", {"grace_seconds": grace}).json()
    when = f"keeps working for {grace} s" if grace else "no longer works"
    _show_secret(ctx, created, f"Key {key_id} rotated: its successor is {created['key_id']}; {key_id} {when}")


@app.command("revoke")
def revoke(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key to revoke.")]) -> None:
    """Revoke a key: every gateway refuses it within a second.

    Example:

        rss keys revoke key-3f9c0a7e12b44d5e
    """
    key = platform_of(ctx).post(f"/keys/{key_id}/revoke").json()
    if platform_of(ctx).json_output:
        show_json(key)
        return
    console.print(f"Key {key_id} ({key['label']}) revoked at {key['revoked_at']} by {key['revoked_by']}.")


@app.command("audit")
def audit(ctx: typer.Context,
          key_id: Annotated[str | None, typer.Option("--key-id", help="Only this key's events.")] = None) -> None:
    """Who made, rotated, revoked or imported which key, oldest first.

    Example:

        rss keys audit --key-id county-20
    """
    events = platform_of(ctx).pages("/keys/audit", {"key_id": key_id} if key_id else {})
    if platform_of(ctx).json_output:
        show_json(events)
        return
    show_table(counted(len(events), "event", "events"), events, (("at", "at"), ("who", "actor"), ("did", "action"),
                                                  ("key", "key_id")))
