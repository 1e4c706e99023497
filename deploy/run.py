"""`make run`: migrate, load reference data, start the services and the gateway, stop them all on Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time

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
        print_welcome(stack)
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


def print_welcome(stack: Stack) -> None:
    url = stack.gateway_url
    width = max(len(label) for label in KEY_LABELS.values())
    lines = [
        "",
        f"RSS platform is running at {url}",
        f"  API documentation: {url}/docs   OpenAPI: {url}/openapi.json",
        "",
        "Development API keys (send as X-API-Key):",
        *(f"  {KEY_LABELS[k].ljust(width)}  {v}" for k, v in stack.keys.items()),
        "",
        "Try:",
        f"  curl -H 'X-API-Key: {stack.keys['county-20']}' {url}/actors/municipalities/2080",
        "",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
