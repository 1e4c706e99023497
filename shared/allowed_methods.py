"""Which methods a path allows, across every route that serves it.

Starlette answers 405 from the first route whose path matches, so `Allow` named only that route's methods
(`GET` for /organisations/{id}, which also takes PATCH). This asks every route, for every method, instead; OPTIONS
is answered from it too. It runs only for 405 and OPTIONS, never on an ordinary request.
"""

from __future__ import annotations

from starlette.routing import Match
from starlette.types import Scope

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: list, scope: Scope) -> list[str]:
    allowed = []
    for method in CANDIDATES:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            allowed.append(method)
    if allowed:
        allowed.append("OPTIONS")
    return allowed
