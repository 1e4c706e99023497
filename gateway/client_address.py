"""The client's address, which the anonymous and failed-authentication budgets are counted by.

It is the TCP peer, unless the peer is one of the trusted proxies the gateway is configured with
(`GATEWAY_TRUSTED_PROXIES`, none by default): then it is read from X-Forwarded-For, right to left, as the first
address that is not itself a trusted proxy. Each proxy appends the address of the peer it saw, so everything left of
the last untrusted one may be made up by the caller and is never read; from any other peer the header is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

_MAX_REMEMBERED = 10_000  # peers whose trust was decided, remembered before the memory is reset


class ClientAddresses:
    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.networks = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
        self._trusted: dict[str, bool] = {}

    def trusted(self, address: str) -> bool:
        found = self._trusted.get(address)
        if found is None:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                found = False
            else:
                found = any(ip in network for network in self.networks)
            if len(self._trusted) > _MAX_REMEMBERED:
                self._trusted.clear()
            self._trusted[address] = found
        return found

    def of(self, peer: str, forwarded_for: list[bytes]) -> str:
        """The client's address for a request from `peer` carrying these X-Forwarded-For header values."""
        if not self.networks or not forwarded_for or not self.trusted(peer):
            return peer
        hops = [hop.strip() for value in forwarded_for for hop in value.decode("latin-1").split(",")]
        leftmost = peer
        for hop in reversed(hops):
            try:
                address = str(ipaddress.ip_address(hop))
            except ValueError:
                # Not an address, where a trusted proxy should have written one: nothing to its left can be
                # believed; the last trusted hop is the best known.
                return leftmost
            if not self.trusted(address):
                return address
            leftmost = address
        return leftmost
