"""Which methods a path allows, across every route that serves it.

Starlette answers 405 from the first route whose path matches, so `Allow` named only that route's methods
(`GET` for /organisations/{id}, which also takes PATCH). This asks every route, for every method, instead; OPTIONS
is answered from it too. It runs only for 405 and OPTIONS, never on an ordinary request.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.routing import _iter_included_route_candidates
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _flat_routes(routes: list) -> Iterator[BaseRoute]:
    """Every route with its whole path: FastAPI keeps an included router as one entry that matches any of its
    routes, and its match tells nothing of the path parameters (FastAPI is pinned; this is its own iterator)."""
    return _iter_included_route_candidates(routes)


def allowed_methods(routes: list, scope: Scope) -> list[str]:
    """The path's methods. The routes that name most of the path literally own it: a route that matches it only
    through one more parameter (/co-financing/{agreement_id} for /co-financing/preview, .../{step} for
    .../workbook) does not add its methods, so Allow lists what the OpenAPI document lists for the path."""
    parameters_by_method: dict[str, int] = {}
    flat = list(_flat_routes(routes))
    for method in CANDIDATES:
        probe = {**scope, "method": method, "path_params": {}}  # a routed request carries its own
        for route in flat:
            match, child = route.matches(probe)
            if match is Match.FULL:
                parameters_by_method[method] = len(child.get("path_params") or {})
                break
    if not parameters_by_method:
        return []
    fewest = min(parameters_by_method.values())
    return [m for m, n in parameters_by_method.items() if n == fewest] + ["OPTIONS"]
