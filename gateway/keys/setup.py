"""The key store's management commands (`python -m gateway ...`):

    setup              migrate the key store to head, then import GATEWAY_API_KEYS_FILE if there is one
    migrate            migrate the key store to head (or to --revision)
    downgrade          migrate the key store down (to --revision, base by default)
    import-keys FILE   import a keys file (hashes: gateway/api_keys.py) into the key store

Safe to repeat, and several at once on one store run one after another (shared/cli.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.api_keys import read_keys_file
from gateway.keys.service import IMPORT_ACTOR, KeyService, KeysFileError
from gateway.keys.store import GATEWAY_DIR
from gateway.settings import GatewaySettings
from shared import migrations
from shared.cli import load_reference_data, one_command_at_a_time
from shared.identity import Principal, Role

SETUP_CALLER = Principal(subject=IMPORT_ACTOR, role=Role.NATIONAL_ADMIN)


def import_keys_file(database_url: str, path: Path) -> dict[str, int]:
    """Imports the keys file's keys into the store (gateway/keys/service.py: KeyService.import_entries)."""
    entries = read_keys_file(path)

    async def load(session: AsyncSession) -> dict[str, int]:
        return await KeyService(session, SETUP_CALLER).import_entries(entries)

    return asyncio.run(load_reference_data(database_url, [load]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup", "migrate", "downgrade", "import-keys"])
    parser.add_argument("file", nargs="?", help="import-keys: the keys file")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    url = settings.keys_database_url
    if args.command == "import-keys" and not args.file:
        parser.error("import-keys takes the keys file: python -m gateway import-keys FILE")
    with one_command_at_a_time(url):
        if args.command in ("setup", "migrate"):
            migrations.upgrade(GATEWAY_DIR, url, args.revision or "head")
            print(f"gateway: key store migrations at {args.revision or 'head'}")
        if args.command == "downgrade":
            migrations.downgrade(GATEWAY_DIR, url, args.revision or "base")
            print(f"gateway: key store downgraded to {args.revision or 'base'}")
        source = args.file if args.command == "import-keys" else (
            settings.api_keys_file if args.command == "setup" else None)
        if source is not None:
            if not Path(source).exists():
                if args.command == "import-keys":
                    parser.error(f"no keys file at {source}")
            else:
                try:
                    counts = import_keys_file(url, Path(source))
                except (KeysFileError, ValueError) as exc:  # a file that is not JSON is a ValueError too
                    print(f"gateway: keys file {source}: {exc}; nothing imported", file=sys.stderr)
                    return 1
                print(f"gateway: keys from {source}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0
