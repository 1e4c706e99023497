"""The ledger keys: HMAC-SHA256 secrets held by the service, never by its database.

One key signs (the current one); every configured key verifies what it signed, found by the id stored with each
entry and receipt. The keys come from the service's settings (services/funding/settings.py): the app installs
them at start-up (`use`), and code run outside the app (the CLI, in-process tests) reads them from the settings on
first use.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from services.funding.settings import FundingSettings


class LedgerKeys:
    def __init__(self, secrets: Mapping[str, str], current: str) -> None:
        if current not in secrets:
            raise ValueError(f"the current ledger key {current!r} has no secret")
        self.current = current
        # One keyed state per key, copied per message: the key's pads are computed once, not per entry.
        self._states = {key_id: hmac.new(secret.encode(), digestmod=hashlib.sha256)
                        for key_id, secret in secrets.items()}

    @classmethod
    def from_settings(cls, settings: FundingSettings) -> LedgerKeys:
        return cls(settings.ledger_secrets(), settings.ledger_key_id)

    def holds(self, key_id: str) -> bool:
        return key_id in self._states

    def mac(self, key_id: str, message: bytes) -> str | None:
        """The hex HMAC-SHA256 of `message` under the key `key_id`; None for a key this service does not hold."""
        state = self._states.get(key_id)
        if state is None:
            return None
        keyed = state.copy()
        keyed.update(message)
        return keyed.hexdigest()


_installed: LedgerKeys | None = None


def use(keys: LedgerKeys) -> None:
    """The keys every Ledger of this process signs and verifies with (the app's, from its settings)."""
    global _installed
    _installed = keys


def ledger_keys() -> LedgerKeys:
    global _installed
    if _installed is None:
        _installed = LedgerKeys.from_settings(FundingSettings())
    return _installed
