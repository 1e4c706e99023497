"""Who may change what in funding: one place, applying the platform's county-scope rule (shared.authorization).

Agreements, funding lines, allocations and the agency's steps (approve, reject, pay) belong to no county, so
only national administrators make them; a requisition belongs to the county of the share it draws on, so only
that county's system (or a national administrator) makes and submits it. Every authenticated caller reads.
"""

from __future__ import annotations

from shared.authorization import require_county_scope
from shared.identity import Principal


def require_county(caller: Principal, county_code: str | None, what: str, field: str) -> None:
    require_county_scope(caller, county_code, what=what, field=field)
