"""The services behind the gateway: replicas, round-robin choice, and which replicas are down for now."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from gateway.upstream_client import ReplicaPool


@dataclass
class Replica:
    base_url: str
    pool: ReplicaPool
    down_until: float = 0.0


BULK_PATHS = ("/imports/", "/exports/")


@dataclass
class Upstream:
    name: str
    replicas: list[Replica]
    timeout: float
    bulk_timeout: float = 300.0
    _next: int = field(default=0, repr=False)

    def timeout_for(self, target: str) -> float:
        """The whole-request time limit for a path on this service: bulk imports and exports get longer."""
        return self.bulk_timeout if target.startswith(BULK_PATHS) else self.timeout

    @property
    def prefix(self) -> str:
        return "/" + self.name

    def choose_order(self) -> list[Replica]:
        """All replicas, starting with the next in turn; replicas marked down go last."""
        n = len(self.replicas)
        if n == 1:
            return self.replicas
        start = self._next % n
        self._next = start + 1
        ordered = self.replicas[start:] + self.replicas[:start]
        now = time.monotonic()
        up = [r for r in ordered if r.down_until <= now]
        return up + [r for r in ordered if r.down_until > now] if len(up) < n else ordered


def build_upstreams(config: dict[str, tuple[list[str], float]], *, connect_timeout: float,
                    bulk_timeout: float = 300.0) -> dict[str, Upstream]:
    return {name: Upstream(name=name, replicas=[Replica(u, ReplicaPool(u, connect_timeout)) for u in urls],
                           timeout=timeout, bulk_timeout=bulk_timeout)
            for name, (urls, timeout) in config.items()}
