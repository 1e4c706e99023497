"""A stand-in for the actor registry, as surveys reads it (shared.service_client.PlatformClient's `get_all` and
`get`). The registry is another service, reached over HTTP through the gateway; the in-process tests of surveys'
rules give a round its targets from this instead. The real registry is read in tests/test_surveys_targets.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (surveys' id, registry id, name, county) of the organisations the stand-in knows, all open on any day.
ORGANISATIONS = [
    ("2080", "municipality-2080", "Falun", "20"),
    ("2081", "municipality-2081", "Borlänge", "20"),
    ("2082", "municipality-2082", "Säter", "20"),
    ("2083", "municipality-2083", "Hedemora", "20"),
    ("0184", "municipality-0184", "Solna", "01"),
    ("county-20", "county-20", "Dalarnas län", "20"),
    ("county-01", "county-01", "Stockholms län", "01"),
]


class FakeRegistry:
    """Answers the registry's organisations by kind and county, and no contact points."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any]]] = []

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None, *, what: str,
                      limit: int = 500) -> list[Any]:
        params = dict(params or {})
        self.asked.append((path, params))
        if path == "/actors/posts":
            return []
        ids = set(params["id"].split(",")) if params.get("id") else None
        return [{"id": registry_id, "name": name, "county_code": county, "active": True}
                for _, registry_id, name, county in ORGANISATIONS
                if (ids is None or registry_id in ids)
                and (params.get("kind") is None or registry_id.startswith(params["kind"] + "-"))
                and (params.get("county") is None or county == params["county"])]

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> Any:
        raise AssertionError(f"the stand-in registry was asked {path}")
