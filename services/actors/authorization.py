"""Who may change what: a county system its own county's records, national administrators everything."""

from shared.identity import Principal
from shared.problems import Forbidden


def require_county_write(caller: Principal, county_codes: set[str | None], *, what: str) -> None:
    """Passes when the caller may write in at least one of the counties the record touches."""
    if any(caller.may_write_county(code) for code in county_codes):
        return
    if not caller.may_write:
        raise Forbidden(f"The role '{caller.role.value}' may read but not change data.")
    named = sorted(code for code in county_codes if code)
    if not named:
        raise Forbidden(f"Only national administrators may change {what}: it belongs to no county.")
    raise Forbidden(f"A county system may change its own county's records only (county {caller.county_code}); "
                    f"{what} belongs to county {', '.join(named)}.")
