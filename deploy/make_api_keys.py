"""Writes the gateway's API keys file for the containers (docker-compose.yml) and prints the keys: the first keys
of a deployment, which the gateway imports into its key store when it starts (`python -m gateway setup`).

    PYTHONPATH=. .venv/bin/python -m deploy.make_api_keys [DIRECTORY]      (default: data/compose)

Writes two files in DIRECTORY:
  gateway-keys.json  SHA-256 hashes only; docker-compose.yml mounts it read-only into the gateway.
  api-keys.json      the keys themselves (mode 0600); hand each one to its caller, then keep it out of sight.
Running it again keeps the existing keys. Delete both files to make new ones.

The keys are the development principals of gateway/api_keys.py (two counties, the national administrator, the
dashboard, a respondent, and each service's own key). Further keys are made by a national administrator through
the gateway (`POST /keys`, or `rss keys create`), not in this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.api_keys import write_development_keys

DEFAULT_DIRECTORY = Path("data/compose")


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    directory = Path(argv[0]) if argv else DEFAULT_DIRECTORY
    keys_file, plaintext_file = directory / "gateway-keys.json", directory / "api-keys.json"
    keys = write_development_keys(keys_file, plaintext_file)
    # The gateway runs as a non-root user in its container: the hashes file must be readable by others.
    keys_file.chmod(0o644)
    print(f"Gateway keys file (mounted into the gateway): {keys_file}")
    print(f"API keys (send as X-API-Key), also in {plaintext_file}:")
    print(json.dumps(keys, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
