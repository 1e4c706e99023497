"""When a funding fact took effect, kept apart from when it was recorded.

Every write that moves money has two times: the day it took effect (a requisition's `requested_on`, a
decision's `decided_on`, a payment's `paid_on`, an allocation's `allocated_on`, a distribution's
`distributed_on`, a spending report's `reported_on`, a repayment's `repaid_on`) and the moment it was stored
(`recorded_at`, always now, with its offset). The effective day is today unless a national administrator gives
another one, as when a county's earlier years are brought in; a county system acts on the day it acts and may
name today, never another day (a requisition's date decides which signatory signs and whether it came before
the line's last date, a report's whether it was late). The ledger dates each entry by its effective day, so
balances and follow-up as of a date read what had taken effect by then; its chain stays in recording order.

An effective day is never in the future, never before the agreement's first year began, and never before the
fact it follows: an allocation before its agreement, a requisition before its allocation, a decision before
the request, a payment before the approval, a report before the last payment it accounts for, a repayment
before its claim. Each refusal is 422 naming the field and the rule; a day a county system may not give is 403
naming the field. Nothing is stored on a refusal.
"""

from __future__ import annotations

from datetime import date

from shared.identity import Principal, Role
from shared.problems import FieldError, Forbidden, InvalidInput


def today() -> date:
    """The day the funding service acts on (the ledger's, the balances' default as of)."""
    return date.today()


def effective_day(caller: Principal, given: date | None, field: str, *, what: str) -> date:
    """The day `what` took effect: today without `given`; `given` when the caller may name it (a national
    administrator any day up to today, anyone else today only: 403 naming `field`); never in the future."""
    now = today()
    if given is None:
        return now
    if given != now and caller.role is not Role.NATIONAL_ADMIN:
        message = (f"{what} takes effect on the day it is made ({now.isoformat()}); only a national administrator "
                   "records one that took effect on another day.")
        raise Forbidden(message, errors=[FieldError(field, "forbidden", message)])
    if given > now:
        raise InvalidInput.field(field, "not_in_future", f"{given.isoformat()} is after today ({now.isoformat()}): "
                                                         f"{what} cannot take effect in the future.")
    return given


def agreement_start(first_year: int) -> date:
    return date(first_year, 1, 1)


def not_before(day: date, earliest: date | None, field: str, rule: str, message: str) -> None:
    """422 `rule` naming `field` when `day` is before `earliest` (None: nothing to follow)."""
    if earliest is not None and day < earliest:
        raise InvalidInput.field(field, rule, f"{day.isoformat()} is before {earliest.isoformat()}: {message}")
