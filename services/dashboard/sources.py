"""What the dashboard reads from funding, surveys and reporting, through the gateway (the actor registry is read
through the platform's one typed client, shared.registry_client).

Each read is a path and its parameters (`…_call`, also what the page links to as the API call behind its data) and
a small frozen dataclass of the answer; amounts become integer öre here, once. A service that cannot be reached
raises `PlatformUnavailable` (shared.service_client), which the page turns into a section saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.dashboard.formats import ore_of
from shared.service_client import PlatformClient, PlatformUnavailable

Call = tuple[str, dict[str, Any]]
NEEDS_QUESTIONNAIRE = "behovsinventering"
MONEY_FIELDS = ("committed", "allocated", "requisitioned", "paid", "distributed", "reported_spent", "to_repay",
                "repaid")


# --- funding -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Money:
    """A group's money in öre (funding's balances: one GROUP BY over the ledger)."""

    group: str | None
    committed: int = 0
    allocated: int = 0
    requisitioned: int = 0
    paid: int = 0
    distributed: int = 0
    reported_spent: int = 0
    to_repay: int = 0
    repaid: int = 0

    @classmethod
    def of(cls, body: dict[str, Any], group: str | None = None) -> Money:
        return cls(group=group, **{name: ore_of(body.get(name)) for name in MONEY_FIELDS})

    @property
    def moved(self) -> bool:
        return any(getattr(self, name) for name in MONEY_FIELDS if name != "committed")


@dataclass(frozen=True)
class Balances:
    as_of: date
    by: str
    total: Money
    groups: tuple[Money, ...]

    def of_group(self, group: str | None) -> Money | None:
        return next((g for g in self.groups if g.group == group), None)


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    registry_number: str


@dataclass(frozen=True)
class OverdueReport:
    agreement_id: str
    registry_number: str
    recipient_id: str
    name: str | None
    county_code: str | None
    received: int
    due_date: date


@dataclass(frozen=True)
class UnpaidClaim:
    id: str
    agreement_id: str
    registry_number: str
    recipient_id: str
    county_code: str | None
    amount: int
    repaid: int
    outstanding: int
    due_date: date


def balances_call(by: str, year: int, on: date, county: str | None = None) -> Call:
    return "/funding/balances", {"by": by, "year": year, "as_of": on.isoformat(), "county": county}


def agreements_call(year: int) -> Call:
    return "/funding/agreements", {"year": year}


def overdue_call(on: date, county: str | None = None) -> Call:
    return "/funding/follow-up/overdue-reports", {"as_of": on.isoformat(), "county": county}


def unpaid_call(county: str | None = None) -> Call:
    return "/funding/follow-up/unpaid-claims", {"county": county}


class FundingReads:
    def __init__(self, platform: PlatformClient) -> None:
        self.platform = platform

    async def _body(self, call: Call, what: str) -> Any:
        answer = await self.platform.get(*call, what=what)
        if answer.status != 200:
            raise PlatformUnavailable(f"The platform answered {answer.status} for {what}.")
        return answer.body

    async def balances(self, by: str, year: int, on: date, county: str | None = None) -> Balances:
        body = await self._body(balances_call(by, year, on, county), "funding's balances")
        return Balances(as_of=date.fromisoformat(body["as_of"]), by=body["by"], total=Money.of(body["total"]),
                        groups=tuple(Money.of(g, g.get("group")) for g in body["groups"]))

    async def agreements(self, year: int) -> dict[str, Agreement]:
        path, params = agreements_call(year)
        items = await self.platform.get_all(path, params, what="funding's agreements")
        return {a["id"]: Agreement(id=a["id"], name=a["name"], registry_number=a["registry_number"]) for a in items}

    async def overdue_reports(self, on: date, county: str | None = None) -> list[OverdueReport]:
        body = await self._body(overdue_call(on, county), "funding's overdue reports")
        return [OverdueReport(agreement_id=i["agreement_id"], registry_number=i["registry_number"],
                              recipient_id=i["recipient_id"], name=i.get("name"), county_code=i.get("county_code"),
                              received=ore_of(i["received"]), due_date=date.fromisoformat(i["due_date"]))
                for i in body["items"]]

    async def unpaid_claims(self, county: str | None = None) -> tuple[int, list[UnpaidClaim]]:
        body = await self._body(unpaid_call(county), "funding's unpaid claims")
        return ore_of(body["outstanding"]), [
            UnpaidClaim(id=i["id"], agreement_id=i["agreement_id"], registry_number=i["registry_number"],
                        recipient_id=i["recipient_id"], county_code=i.get("county_code"), amount=ore_of(i["amount"]),
                        repaid=ore_of(i["repaid"]), outstanding=ore_of(i["outstanding"]),
                        due_date=date.fromisoformat(i["due_date"]))
            for i in body["items"]]


# --- surveys -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Round:
    id: str
    title: str
    opens_on: date
    closes_on: date
    status: str
    targets: int


@dataclass(frozen=True)
class Rate:
    county_code: str | None
    targets: int
    submitted: int
    share: float | None


@dataclass(frozen=True)
class ResponseRates:
    round_id: str
    nation: Rate
    counties: dict[str, Rate]
    previous_round_id: str | None
    previous_nation: Rate | None


@dataclass(frozen=True)
class RankedNeed:
    rank: int | None
    code: str
    display: str
    count: int | None
    denominator: int | None
    suppressed: bool
    share: float | None
    mean: str | None
    change: str | None


@dataclass(frozen=True)
class Needs:
    scope: str
    submitted: int
    suppressed: bool
    focus_areas: tuple[RankedNeed, ...]
    processes: tuple[RankedNeed, ...]


@dataclass(frozen=True)
class CountyReport:
    county_code: str
    name: str
    status: str  # submitted, draft or missing
    submitted_on: date | None
    on_time: bool | None
    decision_body: str | None
    decision_level: tuple[str, ...]


@dataclass(frozen=True)
class StatusReports:
    year: int
    due_on: date
    targets: int
    submitted: int
    on_time: int
    after_due: int
    missing: int
    counties: tuple[CountyReport, ...]


def rounds_call(year: int) -> Call:
    return "/surveys/rounds", {"questionnaire": NEEDS_QUESTIONNAIRE, "year": year}


def rates_call(round_id: str) -> Call:
    return f"/surveys/rounds/{round_id}/response-rates", {}


def needs_call(round_id: str, county: str | None = None) -> Call:
    return f"/surveys/rounds/{round_id}/needs", {"county": county}


def status_reports_call(year: int) -> Call:
    return f"/surveys/status-reports/{year}", {}


def _rate(body: dict[str, Any]) -> Rate:
    return Rate(county_code=body.get("county_code"), targets=body["targets"], submitted=body["submitted"],
                share=body.get("share"))


def _ranked(body: dict[str, Any]) -> RankedNeed:
    return RankedNeed(rank=body.get("rank"), code=body["code"], display=body["display"], count=body.get("count"),
                      denominator=body.get("denominator"), suppressed=bool(body.get("suppressed")),
                      share=body.get("share"), mean=body.get("mean"), change=body.get("change"))


def _needs(body: dict[str, Any]) -> Needs:
    return Needs(scope=body["scope"], submitted=body["submitted"], suppressed=bool(body.get("suppressed")),
                 focus_areas=tuple(_ranked(n) for n in body["focus_areas"]),
                 processes=tuple(_ranked(n) for n in body["processes"]))


class SurveyReads:
    def __init__(self, platform: PlatformClient) -> None:
        self.platform = platform

    async def needs_rounds(self, year: int) -> list[Round]:
        """The year's rounds of the needs survey, the latest opened first."""
        path, params = rounds_call(year)
        items = await self.platform.get_all(path, params, what="the surveys' rounds")
        rounds = [Round(id=r["id"], title=r["title"], opens_on=date.fromisoformat(r["opens_on"]),
                        closes_on=date.fromisoformat(r["closes_on"]), status=r["status"], targets=r["targets"])
                  for r in items]
        return sorted(rounds, key=lambda r: (r.opens_on, r.id), reverse=True)

    async def response_rates(self, round_id: str) -> ResponseRates:
        answer = await self.platform.get(*rates_call(round_id), what="a round's response rates")
        if answer.status != 200:
            raise PlatformUnavailable(f"The platform answered {answer.status} for round {round_id}'s rates.")
        body = answer.body
        previous = body.get("previous_nation")
        return ResponseRates(round_id=body["round_id"], nation=_rate(body["nation"]),
                             counties={c["county_code"]: _rate(c) for c in body["counties"] if c.get("county_code")},
                             previous_round_id=body.get("previous_round_id"),
                             previous_nation=_rate(previous) if previous else None)

    async def needs(self, round_id: str, county: str | None = None) -> tuple[Needs, Needs | None]:
        """(the nation's needs, the county's when asked for)."""
        answer = await self.platform.get(*needs_call(round_id, county), what="a round's needs")
        if answer.status != 200:
            raise PlatformUnavailable(f"The platform answered {answer.status} for round {round_id}'s needs.")
        body = answer.body
        return _needs(body["nation"]), _needs(body["county"]) if body.get("county") else None

    async def status_reports(self, year: int) -> StatusReports | None:
        """The year's compilation of county status reports; None when no reporting year is open for it."""
        answer = await self.platform.get(*status_reports_call(year), what="the status reports")
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise PlatformUnavailable(f"The platform answered {answer.status} for the status reports.")
        body = answer.body
        return StatusReports(
            year=body["year"], due_on=date.fromisoformat(body["due_on"]), targets=body["targets"],
            submitted=body["submitted"], on_time=body["on_time"], after_due=body["after_due"],
            missing=body["missing"],
            counties=tuple(CountyReport(
                county_code=c["county_code"], name=c.get("name") or c["county_code"], status=c["status"],
                submitted_on=date.fromisoformat(c["submitted_on"]) if c.get("submitted_on") else None,
                on_time=c.get("on_time"), decision_body=c.get("decision_body"),
                decision_level=tuple(c.get("decision_level") or ()))
                for c in body["counties"] if c.get("county_code")))


# --- reporting -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Activity:
    id: str
    title: str
    kind: str
    starts_on: date
    ends_on: date | None
    county_code: str | None
    description: str


def activities_call(year: int, county: str | None = None) -> Call:
    return "/reporting/activities", {"year": year, "county": county}


class ReportingReads:
    def __init__(self, platform: PlatformClient) -> None:
        self.platform = platform

    async def activities(self, year: int, county: str | None = None) -> list[Activity] | None:
        """The partnership's activities of the year (a county's and the national ones, or all); None when the
        reporting service does not answer them (not routed, not running, or without that operation)."""
        path, params = activities_call(year, county)
        try:
            items = await self.platform.get_all(path, params, what="the partnership's activities")
        except PlatformUnavailable:
            return None
        return sorted((Activity(id=a["id"], title=a["title"], kind=a.get("kind") or "other",
                                starts_on=date.fromisoformat(a["starts_on"]),
                                ends_on=date.fromisoformat(a["ends_on"]) if a.get("ends_on") else None,
                                county_code=a.get("county_code"), description=a.get("description") or "")
                       for a in items), key=lambda a: (a.starts_on, a.title))
