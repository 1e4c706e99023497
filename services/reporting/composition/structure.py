"""The structure part of the report, from the actor registry on the as-of date: each county's RSS with its host,
employer and contact point (`rss`), the seats held on each RSS's behalf in the national networks and groups
(`representatives`), and which RSS take part on their members' behalf (`participation`: seats held, and
activities of the year naming the RSS)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from services.reporting.composition.document import Column, Figure, Part, Source, Table
from services.reporting.composition.wording import of
from shared.registry_client import Organisation, Related, RssOverview

ROLE_LABELS = {
    "ordinary_member": "Ordinarie ledamot", "substitute": "Ersättare", "chair": "Ordförande",
    "co_opted": "Adjungerad", "contact_person": "Kontaktperson", "contact_point": "Kontaktfunktion",
    "platform_leader": "Plattformsledare", "process_leader": "Processledare",
    "development_leader": "Utvecklingsledare", "coordinator": "Samordnare",
    "responsible_for_funds": "Ansvarig för statliga medel", "signatory": "Firmatecknare",
}
SEPARATOR = "; "

RSS_COLUMNS = (Column("county_code", "Län", "string"), Column("county_name", "Länets namn", "string"),
               Column("rss_id", "RSS-id", "string"), Column("rss_name", "RSS", "string"),
               Column("host", "Värdorganisation", "string"), Column("employer", "Arbetsgivare", "string"),
               Column("contact_point", "Kontaktfunktion", "string"))
REPRESENTATIVE_COLUMNS = (Column("county_code", "Län", "string"), Column("rss_name", "RSS", "string"),
                          Column("network", "Nätverk eller grupp", "string"), Column("post", "Uppdrag", "string"),
                          Column("representative", "Representant", "string"),
                          Column("vacant", "Vakant", "boolean"))
PARTICIPATION_COLUMNS = (Column("county_code", "Län", "string"), Column("rss_name", "RSS", "string"),
                         Column("networks", "Nätverk med representant", "integer"),
                         Column("seats", "Platser", "integer"), Column("vacant_seats", "Vakanta platser", "integer"),
                         Column("activities", "Aktiviteter under året", "integer"),
                         Column("taking_part", "Deltar", "boolean"))


@dataclass(frozen=True)
class Registry:
    """What the registry answered: counties {code: name}, the RSS open on the date, each one's overview."""

    counties: dict[str, str]
    rss: dict[str, Organisation]
    overviews: dict[str, RssOverview]


def sources(on: date) -> list[Source]:
    return [Source("registry-counties", "actors", "/actors/counties", on),
            Source("registry-rss", "actors", f"/actors/organisations?kind=rss&as_of={on.isoformat()}", on),
            Source("registry-rss-overview", "actors", f"/actors/rss/{{rss_id}}?as_of={on.isoformat()}", on)]


def _names(related: tuple[Related, ...]) -> str | None:
    return SEPARATOR.join(sorted({r.organisation.name for r in related})) or None


def _contact(overview: RssOverview) -> str | None:
    points = [p.mailbox or p.label or ROLE_LABELS["contact_point"] for p in overview.contact_points]
    return SEPARATOR.join(sorted(set(points))) or None


def _ordered(registry: Registry) -> list[tuple[Organisation, RssOverview]]:
    return [(rss, registry.overviews[rss.id]) for rss in sorted(registry.rss.values(),
                                                                  key=lambda r: (r.county_code or "", r.id))
            if rss.id in registry.overviews]


def structure_part(registry: Registry, on: date, activities_per_rss: Counter[str]) -> Part:
    """The rss, representatives and participation tables and their figures."""
    ordered = _ordered(registry)
    rss_rows, representative_rows, participation_rows = [], [], []
    for rss, overview in ordered:
        county = rss.county_code
        rss_rows.append({"county_code": county, "county_name": registry.counties.get(county or ""),
                         "rss_id": rss.id, "rss_name": overview.rss.name,
                         "host": _names(overview.hosts), "employer": _names(overview.employers),
                         "contact_point": _contact(overview)})
        seats = sorted((s for s in overview.representatives if s.organisation is not None),
                       key=lambda s: (s.organisation.name, s.role, s.id))
        for seat in seats:
            representative_rows.append({
                "county_code": county, "rss_name": overview.rss.name, "network": seat.organisation.name,
                "post": ROLE_LABELS.get(seat.role, seat.role), "representative": seat.holder_name,
                "vacant": seat.holder_name is None})
        networks = {s.organisation.id for s in seats if s.holder_name is not None}
        vacant = sum(1 for s in seats if s.holder_name is None)
        activities = activities_per_rss.get(rss.id, 0)
        participation_rows.append({"county_code": county, "rss_name": overview.rss.name, "networks": len(networks),
                                   "seats": len(seats), "vacant_seats": vacant, "activities": activities,
                                   "taking_part": bool(networks) or activities > 0})
    day = on.isoformat()
    total_rss = len(ordered)
    with_host = sum(1 for _rss, o in ordered if o.hosts or o.employers)
    with_contact = sum(1 for _rss, o in ordered if o.contact_points)
    counties_with_rss = len({rss.county_code for rss, _o in ordered if rss.county_code})
    seats = len(representative_rows)
    held = sum(1 for r in representative_rows if not r["vacant"])
    taking_part = sum(1 for r in participation_rows if r["taking_part"])
    figures = [
        Figure("counties_with_rss", "Län med RSS", counties_with_rss, len(registry.counties),
               of(counties_with_rss, len(registry.counties), "län", f"har en RSS den {day}") +
               f" ({total_rss} RSS)", "registry-rss"),
        Figure("rss_with_host", "RSS med känd värdorganisation eller arbetsgivare", with_host, total_rss,
               of(with_host, total_rss, "RSS", f"har en känd värdorganisation eller arbetsgivare den {day}"),
               "registry-rss-overview"),
        Figure("rss_with_contact_point", "RSS med kontaktfunktion", with_contact, total_rss,
               of(with_contact, total_rss, "RSS", "har en kontaktfunktion (fast funktion)"),
               "registry-rss-overview"),
        Figure("seats_held", "Besatta platser i nätverk och grupper", held, seats,
               of(held, seats, "platser", "i nationella nätverk och grupper är besatta"), "registry-rss-overview"),
        Figure("rss_taking_part", "RSS som deltar", taking_part, total_rss,
               of(taking_part, total_rss, "RSS", "deltar i nationella nätverk eller aktiviteter för sina "
                                                 "medlemmars räkning"), "registry-rss-overview"),
    ]
    tables = [
        Table("rss", f"RSS per län den {day}", "registry-rss-overview", RSS_COLUMNS, rss_rows),
        Table("representatives", f"Representanter i nationella nätverk och grupper den {day}",
              "registry-rss-overview", REPRESENTATIVE_COLUMNS, representative_rows),
        Table("participation", "RSS som deltar för sina medlemmars räkning", "registry-rss-overview",
              PARTICIPATION_COLUMNS, participation_rows),
    ]
    notes = [] if ordered else [f"Aktörsregistret har inga RSS den {day}."]
    return Part(tables=tables, figures=figures, sources=sources(on), notes=notes)
