"""The county-scope rule: which records a caller may change, and whose records a caller's audit reads show.

Every record a service keeps has one owning county, or none. The service says which (the actor registry: an
organisation's own county; a relation's subject's; a post's organisation's; a membership's post's; a person's
managing county); this module only applies the rule, the same way for every service:

* National administrators may change every record.
* A county system may change a record only when the record's owning county is its own county both before and
  after the change. It cannot create a record in another county or in none, change another county's record,
  or move its own record to another county or to no county: moving a record between counties is a national
  administrator's act.
* A record may refer to counterparts (a relation's object, the organisation a post is held on behalf of). A
  county system may refer to its own county's records and to records without a county (national bodies,
  networks), never to another county's.
* Records without a county belong to the national administrators alone.
* Read-only callers (the dashboard) and anonymous callers change nothing.

A write calls `require_county_scope` before it does anything else, a retried create included (the stored
record's owner is checked before the stored record is answered), so a refused caller gets 403, learns nothing
about the record and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shared.identity import Principal, Role
from shared.problems import FieldError, Forbidden


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()


def _in(county: str | None) -> str:
    return f"county {county}" if county else "no county"


def require_county_scope(caller: Principal, owner: str | None, *, what: str, field: str | None = None,
                         new_owner: str | None | _Unchanged = UNCHANGED,
                         references: Mapping[str, str | None] | None = None) -> None:
    """Raises 403 unless `caller` may write `what`, owned by `owner` (a county code or None).

    `new_owner`: the owning county after the change, when the change may move the record. `references`: the
    counterparts the record will refer to, as {field: that counterpart's county}. `field` names the input field
    that decides the owner, so that the problem (and a bulk import's row report) can point at it.
    """
    if caller.role is Role.NATIONAL_ADMIN:
        return
    if caller.role is not Role.COUNTY or caller.county_code is None:
        raise Forbidden(f"The role '{caller.role.value}' may read but not change data.")
    own = caller.county_code
    if owner is None:
        _refuse(field, f"Only national administrators may change {what}: it belongs to no county.")
    if owner != own:
        _refuse(field, f"A county system may change its own county's records only (county {own}); "
                       f"{what} belongs to county {owner}.")
    if not isinstance(new_owner, _Unchanged) and new_owner != own:
        _refuse(field, f"Moving {what} from county {own} to {_in(new_owner)} is a national administrator's act; "
                       f"a county system keeps its records in its own county.")
    for reference_field, county in (references or {}).items():
        if county is not None and county != own:
            _refuse(reference_field, f"A county system may refer to its own county's records and to records "
                                     f"without a county only (county {own}); {reference_field.split('.')[-1]} "
                                     f"belongs to county {county}.")


def require_national(caller: Principal, what: str) -> None:
    """Raises 403 unless `caller` is a national administrator: `what` belongs to no county."""
    require_county_scope(caller, None, what=what)


def _refuse(field: str | None, message: str) -> None:
    raise Forbidden(message, errors=[FieldError(field, "forbidden", message)] if field else None)


def county_read_scope(caller: Principal) -> str | None:
    """The one county whose records' change history a caller may read; None: every county (national
    administrators and the dashboard); "" (no county's): everyone else."""
    if caller.role in (Role.NATIONAL_ADMIN, Role.DASHBOARD):
        return None
    if caller.role is Role.COUNTY:
        return caller.county_code or ""  # a county principal without its county reads no county's records
    return ""
