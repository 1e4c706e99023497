"""A page's questions to the platform, asked at once where they do not depend on each other, and its sections.

Each section reads what it shows and nothing else, so a service that is down costs the sections that read it
(`Section.unavailable` says which) and the rest of the page is drawn. Every question goes through the gateway
with the dashboard's own read-only key (the app's one PlatformClient: kept answers revalidated by their ETags, a
stated budget of calls per page); the actor registry through the platform's typed client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from services.dashboard import sources
from services.dashboard.pages import presenter
from services.dashboard.pages.links import Links
from services.dashboard.pages.schemas import PageError, Period, Span, not_found
from services.dashboard.tables import Figure, Section, Table, tables_of
from shared.logging import get_logger
from shared.problems import ProblemError
from shared.registry_client import RegistryClient, RssOverview, registry_of
from shared.service_client import PlatformClient

T = TypeVar("T")
ROUNDS_ASKED = 4  # a county's page looks for its round among the year's latest this many
log = get_logger("dashboard")

UNAVAILABLE = {
    "natverket": "Uppgifterna om länen och deras RSS är inte tillgängliga just nu: aktörsregistret svarar inte.",
    "pengar": "Uppgifterna om medlen är inte tillgängliga just nu: finansieringstjänsten svarar inte.",
    "enkater": "Behovsinventeringarna är inte tillgängliga just nu: enkättjänsten svarar inte.",
    "lagesrapporter": "Lägesrapporterna är inte tillgängliga just nu: enkättjänsten svarar inte.",
    "parter": "Parterna är inte tillgängliga just nu: aktörsregistret svarar inte.",
    "samverkan": "Nätverken är inte tillgängliga just nu: aktörsregistret svarar inte.",
    "historik": "Historiken är inte tillgänglig just nu: aktörsregistret svarar inte.",
}
TITLES = {"natverket": "Länen och deras RSS", "pengar": "Medel", "enkater": "Behovsinventering",
          "lagesrapporter": "Lägesrapporter", "parter": "Parterna", "samverkan": "Samverkan",
          "historik": "Historik"}


@dataclass
class Page:
    view: str  # national, county, history, partnership
    title: str
    view_path: str  # the page's own path (its tables are offered under it)
    query: dict[str, str]
    sections: list[Section]
    county: str | None = None
    period: Period | None = None
    span: Span | None = None

    @property
    def highlights(self) -> list[tuple[str, Figure]]:
        """The page's key figures, each with the section it comes from."""
        return [(s.key, f) for s in self.sections if not s.unavailable for f in s.figures if f.highlight]


def table_of(page: Page, name: str) -> Table:
    """The page's table by its name; a table whose section could not be read is unavailable (503), a name no
    section of the page holds names nothing (404)."""
    table = tables_of(page.sections).get(name)
    if table is not None:
        return table
    missing = next((s for s in page.sections if s.unavailable and name in presenter.SECTION_TABLES.get(s.key, ())),
                   None)
    if missing is not None:
        raise PageError(503, "Tabellen kan inte hämtas just nu", missing.unavailable or "")
    raise not_found("Sidan har ingen tabell med det namnet.")


async def guarded(key: str, build: Callable[[], Awaitable[Section]]) -> Section:
    """The section, or the section saying that its data cannot be read now."""
    try:
        return await build()
    except ProblemError as exc:  # PlatformUnavailable and the platform's refusals of this page's questions
        log.warning("section_unavailable", section=key, status=exc.status, detail=exc.detail)
        return Section(key, TITLES[key], unavailable=UNAVAILABLE[key])


async def _both(first: Awaitable[T], second: Awaitable[T]) -> tuple[T, T]:
    a, b = await asyncio.gather(first, second)
    return a, b


class DashboardPages:
    def __init__(self, platform: PlatformClient, links: Links) -> None:
        self.registry: RegistryClient = registry_of(platform)
        self.funding = sources.FundingReads(platform)
        self.surveys = sources.SurveyReads(platform)
        self.reporting = sources.ReportingReads(platform)
        self.links = links

    # --- pages ---------------------------------------------------------------------------------------------

    async def national(self, period: Period) -> Page:
        sections = await asyncio.gather(
            guarded("natverket", lambda: self.network(period)),
            guarded("pengar", lambda: self.money(period, None)),
            guarded("enkater", lambda: self.needs(period, None)),
            guarded("lagesrapporter", lambda: self.status_reports(period, None)),
            self.activities(period, None))
        return Page("national", f"Nationell översikt {period.year}", "/", period.query(), list(sections),
                    period=period)

    async def county(self, code: str, period: Period) -> Page:
        sections = await asyncio.gather(
            guarded("natverket", lambda: self.county_network(code, period)),
            guarded("pengar", lambda: self.money(period, code)),
            guarded("enkater", lambda: self.needs(period, code)),
            guarded("lagesrapporter", lambda: self.status_reports(period, code)),
            self.activities(period, code))
        return Page("county", f"{presenter.county_label(code)} {period.year}", f"/lan/{code}", period.query(),
                    list(sections), county=code, period=period)

    async def history(self, code: str, span: Span) -> Page:
        section = await guarded("historik", lambda: self.county_history(code, span))
        return Page("history", f"{presenter.county_label(code)}: historik", f"/lan/{code}/historik", span.query(),
                    [section], county=code, span=span)

    async def partnership(self, period: Period) -> Page:
        async def parties_and_collaboration() -> list[Section]:
            try:
                rss, posts = await _both(self.registry.organisations_of_kind("rss", None, period.on),
                                         self.registry.posts_held(period.on))
            except ProblemError as exc:
                log.warning("section_unavailable", section="parter", status=exc.status, detail=exc.detail)
                return [Section(key, TITLES[key], unavailable=UNAVAILABLE[key]) for key in ("parter", "samverkan")]
            return [presenter.partnership_parties(rss, posts, period, self.links),  # type: ignore[arg-type]
                    presenter.collaboration_section(posts, period)]  # type: ignore[arg-type]

        registry_sections, activities = await asyncio.gather(parties_and_collaboration(),
                                                             self.activities(period, None))
        return Page("partnership", f"Partnerskapet {period.year}", "/partnerskapet", period.query(),
                    [*registry_sections, activities], period=period)

    # --- sections ------------------------------------------------------------------------------------------

    async def network(self, period: Period) -> Section:
        on = period.on
        rss, hosts, employers, posts = await asyncio.gather(
            self.registry.organisations_of_kind("rss", None, on), self.registry.relations("hosts", on),
            self.registry.relations("employer_of", on), self.registry.posts_held(on))
        return presenter.network_national(rss, hosts, employers, posts, period, self.links)

    async def county_network(self, code: str, period: Period) -> Section:
        rss, posts = await _both(self.registry.organisations_of_kind("rss", code, period.on),  # type: ignore[arg-type]
                                 self.registry.posts_held(period.on, county_code=code))
        overviews = await asyncio.gather(*(self.registry.rss_overview(rss_id, period.on) for rss_id in sorted(rss)))
        return presenter.network_county(code, [o for o in overviews if o is not None], posts,  # type: ignore[arg-type]
                                        period, self.links)

    async def money(self, period: Period, county: str | None) -> Section:
        on, year = period.on, period.year
        by_agreement, agreements, overdue, (outstanding, claims), by_county = await asyncio.gather(
            self.funding.balances("agreement", year, on, county), self.funding.agreements(year),
            self.funding.overdue_reports(on, county), self.funding.unpaid_claims(county),
            self.funding.balances("county", year, on) if county is None else _nothing())
        names = await self._names({c.recipient_id for c in claims}, period)
        section = Section("pengar", f"Medel {year}" + (f" i {presenter.county_label(county)}" if county else ""),
                          sources=presenter.money_sources(period, county))
        section.figures.extend(presenter.money_figures((by_county or by_agreement).total,
                                                       "i länet" if county else "i landet"))
        if by_county is not None:
            table, chart = presenter.money_by_county(by_county, period, self.links)
            section.tables.append(table)
            section.charts.append(chart)
        table, chart = presenter.money_by_agreement(by_agreement, agreements, period, county)
        section.tables.append(table)
        if county is not None and chart.categories:
            section.charts.append(chart)
        section.tables.append(presenter.overdue_table(overdue, period, self.links))
        section.tables.append(presenter.unpaid_table(outstanding, claims, names, self.links))
        return section

    async def _names(self, organisation_ids: set[str], period: Period) -> dict[str, str]:
        """Receivers' names from the registry, for funding's answers that name them by id only (their ids when
        the registry cannot say)."""
        if not organisation_ids:
            return {}
        try:
            found = await self.registry.organisations(organisation_ids, period.on, include_inactive=True)
        except ProblemError:
            return {}
        return {organisation_id: o.name for organisation_id, o in found.items()}

    async def needs(self, period: Period, county: str | None) -> Section:
        """The year's needs survey: nationally the round of the year sent to the most (the national round rather
        than one county's), for a county the latest round of the year sent to it."""
        rounds = await self.surveys.needs_rounds(period.year)
        if not rounds:
            return presenter.surveys_section(period.year, [], None, None, None, None, None, county, self.links)
        chosen, rates = max(rounds, key=lambda r: (r.targets, r.opens_on, r.id)), None
        if county is not None:
            for candidate in rounds[:ROUNDS_ASKED]:  # newest first
                candidate_rates = await self.surveys.response_rates(candidate.id)
                if county in candidate_rates.counties:
                    chosen, rates = candidate, candidate_rates
                    break
        (nation, in_county), rates = await asyncio.gather(
            self.surveys.needs(chosen.id, county),
            self.surveys.response_rates(chosen.id) if rates is None else _given(rates))
        previous = (await self.surveys.response_rates(rates.previous_round_id)
                    if rates.previous_round_id else None)
        return presenter.surveys_section(period.year, rounds, chosen, rates, previous, nation, in_county, county,
                                         self.links)

    async def status_reports(self, period: Period, county: str | None) -> Section:
        reports = await self.surveys.status_reports(period.year)
        return presenter.status_section(period.year, reports, county, self.links)

    async def activities(self, period: Period, county: str | None) -> Section:
        activities = await self.reporting.activities(period.year, county)
        return presenter.activities_section(period.year, activities, county, self.links)

    async def county_history(self, code: str, span: Span) -> Section:
        at_start, at_end = await _both(self.registry.organisations_of_kind("rss", code, span.start),
                                       self.registry.organisations_of_kind("rss", code, span.end))
        rss_ids = sorted(set(at_start) | set(at_end))
        overviews = await asyncio.gather(*(self.registry.rss_overview(rss_id, on)
                                           for rss_id in rss_ids for on in (span.start, span.end)),
                                         *(self.registry.history(rss_id) for rss_id in rss_ids))
        pairs: list[RssOverview | None] = overviews[:2 * len(rss_ids)]  # type: ignore[assignment]
        before = {rss_id: pairs[2 * i] if rss_id in at_start else None for i, rss_id in enumerate(rss_ids)}
        after = {rss_id: pairs[2 * i + 1] if rss_id in at_end else None for i, rss_id in enumerate(rss_ids)}
        histories = dict(zip(rss_ids, overviews[2 * len(rss_ids):], strict=True))
        return presenter.history_section(code, span, rss_ids, before, after, histories)  # type: ignore[arg-type]


async def _nothing() -> None:
    return None


async def _given(value: T) -> T:
    return value
