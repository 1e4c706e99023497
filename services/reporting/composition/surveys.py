"""Surveys as the report reads it, through the gateway: the needs-survey rounds opened in a year, each round's
response rates per county and its ranked needs (nationally and per county; figures withheld for small groups stay
withheld, as surveys answers them to reporting's key), and a year's status-report compilation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.reporting.composition.platform import BoundedPlatform
from shared.service_client import PlatformUnavailable

NEEDS_SURVEY = "behovsinventering"  # the shipped needs survey's questionnaire id


@dataclass(frozen=True)
class Round:
    id: str
    title: str
    opens_on: date
    targets: int


@dataclass(frozen=True)
class Rate:
    targets: int
    submitted: int


@dataclass(frozen=True)
class Rates:
    round_id: str
    nation: Rate
    counties: dict[str, Rate]


@dataclass(frozen=True)
class Need:
    rank: int | None
    code: str
    display: str
    count: int | None
    share: float | None  # 0..1, four decimals
    mean: str | None
    change: str | None
    suppressed: bool


@dataclass(frozen=True)
class NeedsPicture:
    """One scope's ranked needs in a round: the nation, or a county."""

    scope: str
    submitted: int
    suppressed: bool
    focus_areas: list[Need]
    processes: list[Need]
    mission_areas: list[Need]


@dataclass(frozen=True)
class Tally:
    code: str
    display: str
    count: int
    denominator: int


@dataclass(frozen=True)
class CountyReport:
    organisation_id: str
    name: str | None
    county_code: str | None
    status: str  # submitted, draft or missing
    submitted_on: date | None
    on_time: bool | None
    late: bool
    decision_body: str | None
    decision_level: list[str]
    signatory_roles: list[str]


@dataclass(frozen=True)
class Compilation:
    year: int
    round_id: str
    due_on: date
    targets: int
    submitted: int
    on_time: int
    after_due: int
    missing: int
    signed_by: list[Tally]
    signed_for_both: Tally
    decided_at: list[Tally]
    counties: list[CountyReport]


def _need(body: dict[str, Any]) -> Need:
    return Need(rank=body.get("rank"), code=body["code"], display=body["display"], count=body.get("count"),
                share=body.get("share"), mean=body.get("mean"), change=body.get("change"),
                suppressed=bool(body.get("suppressed")))


def _tally(body: dict[str, Any]) -> Tally:
    return Tally(code=body["code"], display=body["display"], count=body["count"], denominator=body["denominator"])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class SurveysReader:
    def __init__(self, platform: BoundedPlatform) -> None:
        self.platform = platform

    async def needs_rounds(self, year: int) -> list[Round]:
        """The rounds of the needs survey opened in `year`, in id order."""
        items = await self.platform.get_all("/surveys/rounds", {"questionnaire": NEEDS_SURVEY, "year": year},
                                            what=f"the needs-survey rounds of {year}")
        return sorted((Round(id=r["id"], title=r["title"], opens_on=date.fromisoformat(r["opens_on"]),
                             targets=r["targets"]) for r in items), key=lambda r: r.id)

    async def response_rates(self, round_id: str) -> Rates:
        body = await self._body(f"/surveys/rounds/{round_id}/response-rates", None,
                                what=f"the response rates of round {round_id}")
        return Rates(round_id=round_id, nation=Rate(body["nation"]["targets"], body["nation"]["submitted"]),
                     counties={c["county_code"]: Rate(c["targets"], c["submitted"]) for c in body["counties"]
                               if c.get("county_code")})

    async def needs(self, round_id: str, county: str | None = None) -> NeedsPicture:
        """The round's ranked needs nationally, or in one county."""
        body = await self._body(f"/surveys/rounds/{round_id}/needs", {"county": county},
                                what=f"the needs of round {round_id}" + (f" in county {county}" if county else ""))
        picture = body["county"] if county else body["nation"]
        return NeedsPicture(scope=picture["scope"], submitted=picture["submitted"],
                            suppressed=bool(picture.get("suppressed")),
                            focus_areas=[_need(n) for n in picture["focus_areas"]],
                            processes=[_need(n) for n in picture["processes"]],
                            mission_areas=[_need(n) for n in picture["mission_areas"]])

    async def status_compilation(self, year: int) -> Compilation | None:
        """The year's status-report compilation; None when no reporting year was opened for it."""
        answer = await self.platform.get(f"/surveys/status-reports/{year}", what=f"the status reports of {year}")
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise PlatformUnavailable(f"Surveys answered {answer.status} for the status reports of {year}.")
        body = answer.body
        return Compilation(
            year=body["year"], round_id=body["round_id"], due_on=date.fromisoformat(body["due_on"]),
            targets=body["targets"], submitted=body["submitted"], on_time=body["on_time"],
            after_due=body["after_due"], missing=body["missing"],
            signed_by=[_tally(t) for t in body["signed_by"]], signed_for_both=_tally(body["signed_for_both"]),
            decided_at=[_tally(t) for t in body["decided_at"]],
            counties=[CountyReport(organisation_id=c["organisation_id"], name=c.get("name"),
                                   county_code=c.get("county_code"), status=c["status"],
                                   submitted_on=_day(c.get("submitted_on")), on_time=c.get("on_time"),
                                   late=bool(c.get("late")), decision_body=c.get("decision_body"),
                                   decision_level=list(c.get("decision_level") or []),
                                   signatory_roles=list(c.get("signatory_roles") or []))
                      for c in body["counties"]])

    async def _body(self, path: str, params: dict[str, Any] | None, *, what: str) -> Any:
        answer = await self.platform.get(path, params, what=what)
        if answer.status != 200:
            raise PlatformUnavailable(f"Surveys answered {answer.status} for {what}.")
        return answer.body
