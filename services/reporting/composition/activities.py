"""The activities part of the report: what the RSS recorded for the year in this service (meetings, development
work, promising examples, conferences), with the RSS and networks each names (`activities`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from services.reporting.composition.document import Column, Figure, Part, Source, Table
from services.reporting.composition.wording import of

KIND_LABELS = {"meeting": "Möte", "development_work": "Utvecklingsarbete", "promising_example": "Gott exempel",
               "conference": "Konferens", "other": "Annat"}
SEPARATOR = "; "
ACTIVITY_COLUMNS = (Column("starts_on", "Från", "date"), Column("ends_on", "Till", "date"),
                    Column("county_code", "Län", "string"), Column("kind", "Slag", "string"),
                    Column("title", "Aktivitet", "string"), Column("rss", "RSS", "string"),
                    Column("networks", "Nätverk", "string"))


@dataclass(frozen=True)
class ActivityFact:
    """An activity as the report reads it from this service's own records."""

    id: str
    title: str
    kind: str
    starts_on: date
    ends_on: date
    county_code: str | None
    rss_ids: tuple[str, ...]
    network_ids: tuple[str, ...]


def sources(year: int, on: date) -> list[Source]:
    return [Source("reporting-activities", "reporting", f"/reporting/activities?year={year}", on)]


def per_rss(activities: list[ActivityFact]) -> Counter[str]:
    """How many of the activities name each RSS."""
    return Counter(rss for activity in activities for rss in set(activity.rss_ids))


def activities_part(activities: list[ActivityFact], year: int, on: date, names: dict[str, str],
                    counties: int) -> Part:
    """`names`: the registry's names of the RSS and networks the activities name (an id without one is shown)."""
    def named(ids: tuple[str, ...]) -> str | None:
        return SEPARATOR.join(sorted(names.get(i, i) for i in ids)) or None

    ordered = sorted(activities, key=lambda a: (a.starts_on, a.ends_on, a.county_code or "", a.title, a.id))
    rows = [{"starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat(), "county_code": a.county_code,
             "kind": KIND_LABELS.get(a.kind, a.kind), "title": a.title, "rss": named(a.rss_ids),
             "networks": named(a.network_ids)} for a in ordered]
    with_activity = len({a.county_code for a in activities if a.county_code})
    figures = [
        Figure("activities", "Aktiviteter", len(activities), None,
               f"{len(activities)} aktiviteter registrerade för {year}", "reporting-activities"),
        Figure("counties_with_activities", "Län med aktiviteter", with_activity, counties,
               of(with_activity, counties, "län", f"har registrerat aktiviteter för {year}"), "reporting-activities"),
    ]
    notes = [] if activities else [f"Inga aktiviteter registrerade för {year}."]
    table = Table("activities", f"Aktiviteter {year}", "reporting-activities", ACTIVITY_COLUMNS, rows)
    return Part(tables=[table], figures=figures, sources=sources(year, on), notes=notes, has_data=bool(activities))
