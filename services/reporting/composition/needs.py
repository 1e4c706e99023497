"""The needs part of the report, from surveys: the response rates of the year's needs-survey rounds per county,
beside the year before (`survey_response_rates`), and the needs ranked nationally (`needs_national`) and in each
county (`needs_by_county`: the first few of each kind), with the change from the round before. Figures surveys
withholds for too few responses stay withheld (null), and the report says so."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.reporting.composition.document import Column, Figure, Part, Source, Table, percent
from services.reporting.composition.surveys import NEEDS_SURVEY, NeedsPicture, Rate, Rates, Round
from services.reporting.composition.wording import decimal, of, share_text

CATEGORIES = (("focus_areas", "Fokusområde"), ("processes", "Kunskapsprocess"), ("mission_areas", "Uppdrag"))
TOP_PER_COUNTY = 3  # the needs of each kind shown per county
NATIONAL = "Hela landet"

RATE_COLUMNS = (Column("county_code", "Län", "string"), Column("county_name", "Länets namn", "string"),
                Column("invited", "Tillfrågade", "integer"), Column("responded", "Svarat", "integer"),
                Column("rate", "Svarsfrekvens", "percent"), Column("previous_rate", "Föregående år", "percent"))
NEED_COLUMNS = (Column("round_id", "Enkätomgång", "string"), Column("category", "Slag", "string"),
                Column("rank", "Rang", "integer"), Column("need", "Behov", "string"),
                Column("count", "Antal svar", "integer"), Column("share", "Andel", "percent"),
                Column("mean", "Medelvärde", "string"), Column("change", "Förändring från föregående år", "string"))


@dataclass(frozen=True)
class Needs:
    """What surveys answered: the year's rounds and the year before's, their response rates, and for each of the
    year's rounds its national picture and its counties' ({round id: {county: picture}})."""

    rounds: list[Round]
    previous_rounds: list[Round]
    rates: dict[str, Rates]
    nation: dict[str, NeedsPicture]
    counties: dict[str, dict[str, NeedsPicture]]


def sources(year: int, on: date) -> list[Source]:
    return [Source("surveys-rounds", "surveys", f"/surveys/rounds?questionnaire={NEEDS_SURVEY}&year={year}", on),
            Source("surveys-response-rates", "surveys", "/surveys/rounds/{round_id}/response-rates", on),
            Source("surveys-needs", "surveys", "/surveys/rounds/{round_id}/needs", on),
            Source("surveys-needs-county", "surveys", "/surveys/rounds/{round_id}/needs?county={county}", on)]


def summed_rates(rounds: list[Round], rates: dict[str, Rates]) -> tuple[Rate, dict[str, Rate]]:
    """The rounds' targets and submissions added up, nationally and per county."""
    counties: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    nation = [0, 0]
    for round_ in rounds:
        answered = rates.get(round_.id)
        if answered is None:
            continue
        nation[0] += answered.nation.targets
        nation[1] += answered.nation.submitted
        for county, rate in answered.counties.items():
            counties[county][0] += rate.targets
            counties[county][1] += rate.submitted
    return Rate(*nation), {county: Rate(*pair) for county, pair in counties.items()}


def _share(value: float | None) -> float | None:
    """A share of 0..1 (four decimals) as a percentage with one decimal."""
    if value is None:
        return None
    return float(round(Decimal(str(value)) * 100, 1))


def _rows(round_id: str, picture: NeedsPicture, top: int | None) -> list[dict]:
    rows = []
    for attribute, label in CATEGORIES:
        needs = [n for n in getattr(picture, attribute)]
        ranked = sorted(needs, key=lambda n: (n.rank is None, n.rank or 0, n.code))
        for need in ranked[:top] if top else ranked:
            rows.append({"round_id": round_id, "category": label, "rank": need.rank, "need": need.display,
                         "count": need.count, "share": _share(need.share), "mean": need.mean,
                         "change": need.change})
    return rows


def needs_part(needs: Needs, year: int, on: date, counties: dict[str, str]) -> Part:
    nation, per_county = summed_rates(needs.rounds, needs.rates)
    _previous_nation, previous = summed_rates(needs.previous_rounds, needs.rates)
    rate_rows = [{"county_code": county, "county_name": counties.get(county), "invited": rate.targets,
                  "responded": rate.submitted, "rate": percent(rate.submitted, rate.targets),
                  "previous_rate": percent(previous[county].submitted, previous[county].targets)
                  if county in previous else None}
                 for county, rate in sorted(per_county.items())]
    if needs.rounds:
        rate_rows.append({"county_code": None, "county_name": NATIONAL, "invited": nation.targets,
                          "responded": nation.submitted, "rate": percent(nation.submitted, nation.targets),
                          "previous_rate": percent(_previous_nation.submitted, _previous_nation.targets)
                          if needs.previous_rounds else None})
    national_rows = [row for r in needs.rounds if r.id in needs.nation for row in _rows(r.id, needs.nation[r.id], None)]
    county_rows = [{"county_code": county, **row} for r in needs.rounds
                   for county, picture in sorted(needs.counties.get(r.id, {}).items())
                   for row in _rows(r.id, picture, TOP_PER_COUNTY)]
    tables = [
        Table("survey_response_rates", f"Svarsfrekvens i behovsinventeringen {year} per län",
              "surveys-response-rates", RATE_COLUMNS, rate_rows),
        Table("needs_national", f"Behov nationellt enligt behovsinventeringen {year}", "surveys-needs",
              NEED_COLUMNS, national_rows),
        Table("needs_by_county", f"De största behoven per län {year} (de {TOP_PER_COUNTY} första av varje slag)",
              "surveys-needs-county", (Column("county_code", "Län", "string"), *NEED_COLUMNS), county_rows),
    ]
    figures: list[Figure] = []
    notes: list[str] = []
    if not needs.rounds:
        notes.append(f"Inga behovsinventeringar för {year}.")
    else:
        answering = sum(1 for rate in per_county.values() if rate.submitted)
        figures += [
            Figure("needs_responded", "Svar i behovsinventeringen", nation.submitted, nation.targets,
                   of(nation.submitted, nation.targets, "tillfrågade", "har besvarat behovsinventeringen") +
                   f" ({share_text(percent(nation.submitted, nation.targets))})", "surveys-response-rates"),
            Figure("needs_counties_answering", "Län med svar i behovsinventeringen", answering, len(counties),
                   of(answering, len(counties), "län", "har svar i behovsinventeringen"), "surveys-response-rates"),
        ]
        widest = max((needs.nation[r.id] for r in needs.rounds if r.id in needs.nation),
                     key=lambda p: p.submitted, default=None)
        top = next((n for n in widest.focus_areas if n.rank == 1 and n.mean), None) if widest else None
        if top is not None:
            figures.append(Figure("top_need", "Störst behov nationellt", float(top.mean), None,
                                  f"Störst behov nationellt: {top.display} (angelägenhet {decimal(float(top.mean), 2)}"
                                  " av 5)", "surveys-needs"))
        withheld = any(p.suppressed for p in needs.nation.values()) or any(
            p.suppressed for pictures in needs.counties.values() for p in pictures.values())
        if withheld:
            notes.append("Vissa siffror i behovsinventeringen visas inte (för få svar bakom dem).")
    return Part(tables=tables, figures=figures, sources=sources(year, on), notes=notes, has_data=bool(needs.rounds))
