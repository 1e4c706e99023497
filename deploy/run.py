"""`make run`: migrate, load reference data, start the services and the gateway, load the demo year through the
gateway (once: a later run finds it loaded), stop them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import time

import httpx

from deploy.demo_year import DemoLoadError, DemoSummary, load_demo_year
from deploy.stack import ROOT, Stack, sqlite_urls

KEY_LABELS = {
    "county-20": "county system, Dalarna (20)",
    "county-01": "county system, Stockholm (01)",
    "skr-admin": "national administrator (SKR)",
    "dashboard": "national dashboard (read-only)",
    "municipality-2080": "respondent, Falun municipality (2080): answers surveys for itself",
}


def main() -> int:
    data_dir = ROOT / "data"
    stack = Stack(data_dir=data_dir, database_urls=sqlite_urls(data_dir))
    stopping = False

    def on_signal(signum, _frame):  # type: ignore[no-untyped-def]
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print("Preparing databases (SQLite under data/) ...", flush=True)
    stack.prepare()
    stack.start()
    try:
        stack.wait_ready()
        print_welcome(stack, load_demo(stack))
        while not stopping:
            for name, proc in stack.processes.items():
                if proc.poll() is not None:
                    print(f"{name} stopped unexpectedly (exit {proc.returncode}); stopping everything.", flush=True)
                    return 1
            time.sleep(0.5)
    except RuntimeError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping ...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


def load_demo(stack: Stack) -> DemoSummary | None:
    """The demo year through the gateway, as an integrating system would send it: this year's, or the year
    RSS_DEMO_YEAR names; none with RSS_DEMO_YEAR=off, or when it could not be loaded (the platform runs
    without it)."""
    choice = os.environ.get("RSS_DEMO_YEAR", "").strip().lower()
    if choice in ("off", "no", "0"):
        print("The demo year is not loaded (RSS_DEMO_YEAR=off).", flush=True)
        return None
    if choice and not choice.isdigit():
        print(f"RSS_DEMO_YEAR={choice} is neither a year nor off: the demo year is not loaded.", file=sys.stderr)
        return None
    counties = {code: stack.keys[f"county-{code}"] for code in ("20", "01") if f"county-{code}" in stack.keys}
    try:
        return load_demo_year(stack.gateway_url, stack.keys["skr-admin"], counties,
                              year=int(choice) if choice else None, progress=lambda line: print(line, flush=True))
    except ValueError as exc:
        print(f"The demo year is not loaded: {exc}", file=sys.stderr, flush=True)
        return None
    except (DemoLoadError, httpx.HTTPError) as exc:
        print(f"The demo year could not be loaded: {exc}", file=sys.stderr, flush=True)
        return None


def demo_lines(stack: Stack, demo: DemoSummary) -> list[str]:
    url, year = stack.gateway_url, demo.year
    admin, dashboard = stack.keys["skr-admin"], stack.keys["dashboard"]
    return [
        f"The demo year {year}: {demo.agreements} funding agreements (Dalarna, Stockholm), "
        f"{demo.needs_responses} of {demo.needs_targets} municipalities' needs answered, "
        f"{demo.status_reports} of 21 status reports in ({demo.status_reports_late} late).",
        f"  Funding balances:      curl -H 'X-API-Key: {dashboard}' '{url}/funding/balances?by=county&year={year}'",
        f"  Survey response rates: curl -H 'X-API-Key: {dashboard}' "
        f"{url}/surveys/rounds/{demo.needs_round_id}/response-rates",
        f"  Status reports:        curl -H 'X-API-Key: {dashboard}' {url}/surveys/status-reports/{year}",
        "  The year's annual report to SKR: compose it, then fetch it (JSON, .xlsx, .html or .pdf):",
        f"    curl -X POST -H 'X-API-Key: {admin}' -H 'Content-Type: application/json' "
        f"-d '{{\"year\": {year}}}' {url}/reporting/reports",
        f"    curl -H 'X-API-Key: {admin}' {url}/reporting/reports/{year}/versions/1.pdf -o arsrapport.pdf",
        f"  or with the administrators' command line: RSS_API_KEY={admin} .venv/bin/rss report generate {year}",
        *(f"  Note: {note}" for note in demo.notes),
        "",
    ]


def print_welcome(stack: Stack, demo: DemoSummary | None = None) -> None:
    url = stack.gateway_url
    width = max(len(label) for label in KEY_LABELS.values())
    lines = [
        "",
        f"RSS platform is running at {url}",
        f"  API documentation: {url}/docs   OpenAPI: {url}/openapi.json",
        f"  National dashboard (no key needed): {url}/dashboard/   the partnership: {url}/dashboard/partnerskapet",
        "",
        "Development API keys (send as X-API-Key):",
        *(f"  {KEY_LABELS[k].ljust(width)}  {v}" for k, v in stack.keys.items()),
        "",
        "Try:",
        f"  curl -H 'X-API-Key: {stack.keys['county-20']}' {url}/actors/municipalities/2080",
        "",
        *(demo_lines(stack, demo) if demo else []),
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
