"""Funding as the report reads it, through the gateway: the agreements of a year, the balances of that year's
funding lines as of a date (nationally by county, and per county by agreement), and whether each agreement's
ledger verifies. Amounts arrive as decimal strings of kronor and are kept as integer öre."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.reporting.composition.platform import BoundedPlatform
from shared.money import ORE_PER_KRONA
from shared.service_client import PlatformUnavailable

BALANCE_FIELDS = ("allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay", "repaid")


def ore(amount: str) -> int:
    """'-774465.00' -> -77446500: an amount as funding answers it, in öre."""
    value = Decimal(amount) * ORE_PER_KRONA
    if value != value.to_integral_value():
        raise ValueError(f"{amount!r} is not a whole number of öre")
    return int(value)


@dataclass(frozen=True)
class Balance:
    """What the ledger holds for a group as of a date, in öre."""

    allocated: int = 0
    requisitioned: int = 0
    paid: int = 0
    distributed: int = 0
    reported_spent: int = 0
    to_repay: int = 0
    repaid: int = 0

    @classmethod
    def of(cls, body: dict[str, Any]) -> Balance:
        return cls(**{name: ore(body.get(name, "0")) for name in BALANCE_FIELDS})

    @property
    def outstanding(self) -> int:
        """Claimed back and not yet repaid."""
        return self.to_repay - self.repaid

    @property
    def moved(self) -> bool:
        return any(getattr(self, name) for name in BALANCE_FIELDS)


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    registry_number: str


@dataclass(frozen=True)
class Overview:
    total: Balance
    groups: dict[str, Balance]  # {county code or agreement id: balance}


@dataclass(frozen=True)
class LedgerCheck:
    agreement_id: str
    intact: bool
    entries: int


class FundingReader:
    def __init__(self, platform: BoundedPlatform) -> None:
        self.platform = platform

    async def agreements(self, year: int) -> list[Agreement]:
        """The agreements whose years include `year`, in id order."""
        items = await self.platform.get_all("/funding/agreements", {"year": year},
                                            what=f"funding's agreements of {year}")
        return sorted((Agreement(id=a["id"], name=a["name"], registry_number=a["registry_number"]) for a in items),
                      key=lambda a: a.id)

    async def overview(self, *, year: int, on: date, by: str, county: str | None = None) -> Overview:
        """The balances of `year`'s funding lines as of `on`, grouped `by` county or agreement (one county's)."""
        params = {"year": year, "as_of": on.isoformat(), "by": by, "county": county}
        answer = await self.platform.get("/funding/balances", params, what=f"funding's balances of {year}")
        if answer.status != 200:
            raise PlatformUnavailable(f"Funding answered {answer.status} for the balances of {year}.")
        body = answer.body
        return Overview(total=Balance.of(body["total"]),
                        groups={g["group"]: Balance.of(g) for g in body["groups"] if g.get("group")})

    async def ledger_check(self, agreement_id: str) -> LedgerCheck:
        """Whether the agreement's ledger verifies (its chain, and its running totals against its entries)."""
        answer = await self.platform.get(f"/funding/agreements/{agreement_id}/ledger/verify",
                                         what=f"the verification of agreement {agreement_id}'s ledger")
        if answer.status != 200:
            raise PlatformUnavailable(f"Funding answered {answer.status} for agreement {agreement_id}'s ledger.")
        return LedgerCheck(agreement_id=agreement_id, intact=bool(answer.body["intact"]),
                           entries=int(answer.body["entries"]))
