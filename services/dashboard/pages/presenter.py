"""The one place the platform's answers become the page's sections: Swedish labels, tables, charts and figures,
each section naming the API calls its data comes from. No call is made here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.dashboard import formats, sources
from services.dashboard.pages.links import Links
from services.dashboard.pages.schemas import Period, Span
from services.dashboard.tables import ApiLink, Chart, Col, Figure, Link, Section, Series, Table
from shared.counties import COUNTY_NAMES
from shared.registry_client import (
    Contact,
    HistoryEvent,
    Organisation,
    OrganisationHistory,
    Post,
    Related,
    Relation,
    RssOverview,
)

ROLES = {
    "ordinary_member": "Ledamot", "substitute": "Ersättare", "chair": "Ordförande", "co_opted": "Adjungerad",
    "contact_person": "Kontaktperson", "contact_point": "Fast funktion", "platform_leader": "Plattformsledare",
    "process_leader": "Processledare", "development_leader": "Utvecklingsledare", "coordinator": "Samordnare",
    "responsible_for_funds": "Ansvarig för medlen", "signatory": "Firmatecknare",
}
CONTACT_KINDS = {"email": "e-post", "phone": "telefon", "url": "webb", "web": "webb"}
REPORT_STATUS = {"submitted": "Inlämnad", "draft": "Påbörjad, inte inlämnad", "missing": "Saknas"}
DECISION_LEVELS = {"politisk": "politisk nivå", "tjansteman": "tjänstemannanivå"}
ACTIVITY_KINDS = {"meeting": "Möte", "development_work": "Utvecklingsarbete", "promising_example": "Lovande exempel",
                  "conference": "Konferens", "other": "Övrigt"}
STARTED = {"hosts": "blir värdorganisation för", "employer_of": "blir arbetsgivare för", "governs": "börjar styra",
           "part_of": "blir en del av", "member_of": "blir medlem i", "owner_of": "blir ägare till",
           "funds": "börjar finansiera", "successor_of": "efterträder"}
ENDED = {"hosts": "upphör som värdorganisation för", "employer_of": "upphör som arbetsgivare för",
         "governs": "upphör att styra", "part_of": "upphör att vara en del av", "member_of": "lämnar",
         "owner_of": "upphör som ägare till", "funds": "upphör att finansiera", "successor_of": "slutar efterträda"}
EVIDENCE = {"attested": "belagt i källor; datumen härledda", "year": "känt till året", "month": "känt till månaden"}
NO_DATA = "uppgift saknas"
SUPPRESSED = ("Siffrorna visas inte: de vilar på för få svar (plattformen visar inga tabeller som bygger på färre "
              "än tre svar eller som kan räknas fram ur andra).")
NETWORK_KINDS = frozenset({"national_network", "national_body"})
# The tables each section may hold, by section: a table asked for while its section cannot be read is unavailable
# (503), any other name names nothing (404).
SECTION_TABLES = {
    "natverket": {"rss", "natverk", "foretradare"},
    "pengar": {"pengar-per-lan", "pengar-per-overenskommelse", "forsenade-redovisningar", "obetalda-aterkrav"},
    "enkater": {"svarsfrekvens", "behov-nationellt", "behov-nationellt-processer", "behov-i-lanet",
                "behov-i-lanet-processer", "omgangar"},
    "lagesrapporter": {"lagesrapporter"},
    "aktiviteter": {"aktiviteter"},
    "parter": {"parter"},
    "samverkan": {"natverk"},
    "historik": {"jamforelse", "handelser"},
}


def county_label(code: str | None) -> str:
    if code is None:
        return "Utan län"
    return COUNTY_NAMES.get(code, code)


def county_link(code: str | None, links: Links) -> Link | str:
    if code is None or code not in COUNTY_NAMES:
        return county_label(code)
    return Link(COUNTY_NAMES[code], links.county(code))


def joined(names: Iterable[str], empty: str = NO_DATA) -> str:
    unique = list(dict.fromkeys(n for n in names if n))
    return "; ".join(unique) if unique else empty


def contact_text(contacts: Sequence[Contact]) -> str:
    return "; ".join(f"{c.value} ({CONTACT_KINDS.get(c.kind, c.kind)})" for c in contacts)


def fixed_function(posts: Sequence[Post]) -> str:
    """What the page says of an organisation's fixed functions (contact points): their own channels."""
    if not posts:
        return "ingen fast funktion registrerad"
    channels = [contact_text(p.contacts) for p in posts if p.contacts]
    return "; ".join(channels) if channels else "fast funktion utan registrerad kontaktväg"


def holder(post: Post) -> str:
    return post.holder_name or "vakant"


def _organisation_name(post: Post) -> str:
    return post.organisation.name if post.organisation else post.organisation_id


# --- the network -------------------------------------------------------------------------------------------------

def network_sources(on: date, county: str | None = None) -> list[ApiLink]:
    return [ApiLink.of("/actors/organisations", {"kind": "rss", "county": county, "as_of": on}, needs_key=False),
            ApiLink.of("/actors/relations", {"kind": "hosts", "as_of": on}, needs_key=False),
            ApiLink.of("/actors/relations", {"kind": "employer_of", "as_of": on}, needs_key=False),
            ApiLink.of("/actors/posts", {"county": county, "as_of": on}, needs_key=False)]


def is_seat(post: Post) -> bool:
    """A post in a national network or body held on behalf of a county's organisation: a county's seat."""
    return (post.organisation is not None and post.organisation.kind in NETWORK_KINDS
            and post.on_behalf_of is not None and post.on_behalf_of.county_code is not None)


def network_national(rss: dict[str, Organisation], hosts: list[Relation], employers: list[Relation],
                     posts: list[Post], period: Period, links: Links) -> Section:
    section = Section("natverket", f"Länen och deras RSS den {formats.day(period.on)}",
                      sources=network_sources(period.on))
    host_names: dict[str, list[str]] = defaultdict(list)
    for relation in hosts:
        host_names[relation.object.id].append(relation.subject.name)
    employer_names: dict[str, list[str]] = defaultdict(list)
    for relation in employers:
        employer_names[relation.object.id].append(relation.subject.name)
    contact_points: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.role == "contact_point":
            contact_points[post.organisation_id].append(post)
    table = Table("rss", "RSS per län", (Col("county", "Län"), Col("rss", "RSS"), Col("host", "Värdorganisation"),
                                         Col("employer", "Arbetsgivare"),
                                         Col("fixed_function", "Fast funktion (kontaktväg)")),
                  note="Värdorganisation och arbetsgivare som registret känner till på datumet; där ingen källa "
                       "anger någon står det att uppgift saknas (okänt, inte detsamma som ingen). Länets sida "
                       "visar det senast kända.")
    for organisation in sorted(rss.values(), key=lambda o: (o.county_code or "", o.name)):
        table.add(county_link(organisation.county_code, links), organisation.name,
                  joined(host_names[organisation.id]), joined(employer_names[organisation.id]),
                  fixed_function(contact_points[organisation.id]), key=organisation.county_code)
    section.tables.append(table)
    section.tables.append(seats_per_network(posts))
    return section


def seats_per_network(posts: list[Post]) -> Table:
    table = Table("natverk", "Nationella nätverk och organ: länens platser",
                  (Col("network", "Nätverk eller organ"), Col("counties", "Län med plats", "count"),
                   Col("held", "Tillsatta platser", "count"), Col("vacant", "Vakanta platser", "count")),
                  note="Platser som hålls för ett läns RSS eller annan organisation i länet. Länets sida visar vem "
                       "som företräder länet i varje nätverk.")
    by_network: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, str] = {}
    for post in filter(is_seat, posts):
        by_network[post.organisation_id].append(post)
        names[post.organisation_id] = _organisation_name(post)
    for network_id in sorted(by_network, key=lambda n: names[n]):
        seats = by_network[network_id]
        table.add(names[network_id], len({p.on_behalf_of.county_code for p in seats if p.on_behalf_of}),
                  sum(1 for p in seats if p.holder_name), sum(1 for p in seats if not p.holder_name), key=network_id)
    return table


def placement_text(overview: RssOverview) -> str:
    unknown = overview.placement_unknown
    if unknown is None:
        return ""
    text = (f"Ingen källa i registret anger värdorganisation eller arbetsgivare för {overview.rss.name} den "
            f"{formats.day(overview.on)}: uppgiften saknas (okänt, inte detsamma som ingen).")
    if unknown.last_before is not None:
        text += f" Senast kända värdorganisation: {unknown.last_before.name}"
        if unknown.last_attested:
            text += f", senast belagd {unknown.last_attested}."
        elif unknown.last_known_until:
            text += f", till och med {formats.day(unknown.last_known_until - timedelta(days=1))}."
        else:
            text += "."
    if unknown.next_after is not None and unknown.next_known_from:
        text += f" Därefter känd: {unknown.next_after.name} från {formats.day(unknown.next_known_from)}."
    return text


def _related(items: Sequence[Related]) -> str:
    return joined((r.organisation.name + (f" ({r.unit.name})" if r.unit else "") for r in items), "–")


def network_county(code: str, overviews: list[RssOverview], posts: list[Post], period: Period,
                   links: Links) -> Section:
    section = Section("natverket", f"RSS i {county_label(code)} den {formats.day(period.on)}",
                      sources=[ApiLink.of("/actors/organisations", {"kind": "rss", "county": code, "as_of": period.on},
                                          needs_key=False),
                               *(ApiLink.of(f"/actors/rss/{o.rss.id}", {"as_of": period.on}, needs_key=False)
                                 for o in overviews),
                               ApiLink.of("/actors/posts", {"county": code, "as_of": period.on}, needs_key=False)])
    table = Table("rss", "RSS i länet", (Col("rss", "RSS"), Col("host", "Värdorganisation"),
                                         Col("employer", "Arbetsgivare"), Col("parties", "Parter"),
                                         Col("governed_by", "Styrs av"), Col("groups", "Grupper"),
                                         Col("fixed_function", "Fast funktion (kontaktväg)")))
    for overview in overviews:
        table.add(overview.rss.name, _related(overview.hosts) if overview.hosts else NO_DATA,
                  _related(overview.employers) if overview.employers else NO_DATA, _related(overview.parties),
                  _related(overview.governed_by), _related(overview.groups),
                  fixed_function(overview.contact_points), key=overview.rss.id)
        if text := placement_text(overview):
            section.paragraphs.append(text)
    section.tables.append(table)
    seats = Table("foretradare", "Vem företräder länet i nationella nätverk och organ",
                  (Col("network", "Nätverk eller organ"), Col("for", "Företräder"), Col("role", "Post"),
                   Col("holder", "Innehavare")),
                  empty="Länet har inga platser i nationella nätverk på datumet.",
                  note="Namn på innehavare som registret visar för alla; kontaktuppgifter till personer visas "
                       "inte här. Vänd dig till RSS:ens fasta funktion.")
    for post in sorted(filter(is_seat, posts), key=lambda p: (_organisation_name(p), p.id)):
        seats.add(_organisation_name(post), post.on_behalf_of.name if post.on_behalf_of else "–",
                  ROLES.get(post.role, post.role), holder(post), key=post.id)
    section.tables.append(seats)
    return section


# --- money ---------------------------------------------------------------------------------------------------

MONEY_COLUMNS = (Col("allocated", "Fördelat", "money"), Col("requisitioned", "Rekvirerat", "money"),
                 Col("paid", "Utbetalt", "money"), Col("reported_spent", "Redovisat", "money"),
                 Col("to_repay", "Att återbetala", "money"), Col("repaid", "Återbetalt", "money"))
CHARTED = (("allocated", "Fördelat"), ("paid", "Utbetalt"), ("reported_spent", "Redovisat"), ("repaid", "Återbetalt"))


def _money_cells(money: sources.Money | None) -> tuple[int, ...]:
    return tuple(getattr(money, c.id) if money else 0 for c in MONEY_COLUMNS)


def _kronor(ore: int) -> int:
    return int((Decimal(ore) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money_chart(chart_id: str, title: str, table: str, rows: list[tuple[str, sources.Money]]) -> Chart:
    return Chart(chart_id, title, table, categories=tuple(label for label, _ in rows),
                 series=tuple(Series(name, tuple(_kronor(getattr(m, field)) for _, m in rows))
                              for field, name in CHARTED), unit="kr")


def money_sources(period: Period, county: str | None) -> list[ApiLink]:
    calls = ([] if county else [sources.balances_call("county", period.year, period.on)]) + [
        sources.balances_call("agreement", period.year, period.on, county), sources.agreements_call(period.year),
        sources.overdue_call(period.on, county), sources.unpaid_call(county)]
    return [ApiLink.of(path, params) for path, params in calls]


def money_by_county(balances: sources.Balances, period: Period, links: Links) -> tuple[Table, Chart]:
    table = Table("pengar-per-lan", f"Medel per län {period.year}", (Col("county", "Län"), *MONEY_COLUMNS),
                  note=f"Medel från överenskommelsernas rader för {period.year}, som huvudboken visar dem den "
                       f"{formats.day(period.on)}.")
    charted = []
    for code in COUNTY_NAMES:
        money = balances.of_group(code)
        table.add(county_link(code, links), *_money_cells(money), key=code)
        if money is not None and money.moved:
            charted.append((COUNTY_NAMES[code], money))
    unplaced = balances.of_group(None)
    if unplaced is not None and unplaced.moved:
        table.add("Utan län", *_money_cells(unplaced), key="-")
    table.add("Hela landet", *_money_cells(balances.total), key="total", total=True)
    return table, money_chart("diagram-pengar-per-lan", f"Medel per län {period.year} (kronor)", table.name, charted)


def money_by_agreement(balances: sources.Balances, agreements: dict[str, sources.Agreement], period: Period,
                       county: str | None) -> tuple[Table, Chart]:
    where = f" i {county_label(county)}" if county else ""
    table = Table("pengar-per-overenskommelse", f"Medel per överenskommelse {period.year}{where}",
                  (Col("agreement", "Överenskommelse"), Col("registry_number", "Diarienummer"), *MONEY_COLUMNS),
                  empty=f"Inga medel{where} på överenskommelser för {period.year}.")
    charted = []
    for money in sorted(balances.groups, key=lambda g: (agreements[g.group].name if g.group in agreements
                                                        else g.group or "")):
        agreement = agreements.get(money.group or "")
        name = agreement.name if agreement else (money.group or "–")
        table.add(name, agreement.registry_number if agreement else "–", *_money_cells(money), key=money.group)
        if money.moved:
            charted.append((name, money))
    if balances.groups:
        table.add("Summa", "", *_money_cells(balances.total), key="total", total=True)
    return table, money_chart("diagram-pengar-per-overenskommelse", f"Medel per överenskommelse {period.year}"
                              f"{where} (kronor)", table.name, charted)


def money_figures(total: sources.Money, where: str) -> list[Figure]:
    return [Figure("allocated", f"fördelat {where}", total.allocated, kind="money", highlight=True),
            Figure("paid", f"utbetalt {where}", total.paid, kind="money", highlight=True),
            Figure("reported_spent", "redovisat som använt", total.reported_spent, kind="money", highlight=True)]


def overdue_table(items: list[sources.OverdueReport], period: Period, links: Links) -> Table:
    table = Table("forsenade-redovisningar", "Redovisningar som är försenade",
                  (Col("county", "Län"), Col("recipient", "Mottagare"), Col("registry_number", "Diarienummer"),
                   Col("received", "Mottaget", "money"), Col("due_date", "Skulle redovisas senast", "date")),
                  empty=f"Inga redovisningar är försenade den {formats.day(period.on)}.")
    for item in sorted(items, key=lambda i: (i.county_code or "", i.due_date, i.recipient_id)):
        table.add(county_link(item.county_code, links), item.name or item.recipient_id, item.registry_number,
                  item.received, item.due_date, key=item.recipient_id)
    return table


def unpaid_table(outstanding: int, claims: list[sources.UnpaidClaim], names: dict[str, str],
                 links: Links) -> Table:
    table = Table("obetalda-aterkrav", "Återkrav som inte är betalda",
                  (Col("county", "Län"), Col("recipient", "Mottagare"), Col("registry_number", "Diarienummer"),
                   Col("amount", "Krav", "money"), Col("repaid", "Återbetalt", "money"),
                   Col("outstanding", "Kvar att betala", "money"), Col("due_date", "Förfaller", "date")),
                  empty="Inga återkrav är obetalda.", note="Alla år: ett återkrav står kvar tills det är betalt.")
    for claim in sorted(claims, key=lambda c: (c.county_code or "", c.due_date, c.id)):
        table.add(county_link(claim.county_code, links), names.get(claim.recipient_id, claim.recipient_id),
                  claim.registry_number, claim.amount, claim.repaid, claim.outstanding, claim.due_date, key=claim.id)
    if claims:
        table.add("Summa", "", "", sum(c.amount for c in claims), sum(c.repaid for c in claims), outstanding, None,
                  key="total", total=True)
    return table


# --- surveys -------------------------------------------------------------------------------------------------

def survey_sources(year: int, round_: sources.Round | None, rates: sources.ResponseRates | None,
                   county: str | None) -> list[ApiLink]:
    calls = [sources.rounds_call(year)]
    if round_ is not None:
        calls += [sources.rates_call(round_.id), sources.needs_call(round_.id, county)]
    if rates is not None and rates.previous_round_id:
        calls.append(sources.rates_call(rates.previous_round_id))
    return [ApiLink.of(path, params) for path, params in calls]


ROUND_STATUS = {"open": "öppen", "closed": "stängd", "scheduled": "ej öppnad"}


def surveys_section(year: int, rounds: list[sources.Round], round_: sources.Round | None,
                    rates: sources.ResponseRates | None, previous: sources.ResponseRates | None,
                    nation: sources.Needs | None, in_county: sources.Needs | None, county: str | None,
                    links: Links) -> Section:
    section = Section("enkater", f"Behovsinventering {year}", sources=survey_sources(year, round_, rates, county))
    if round_ is None or rates is None:
        section.paragraphs.append(f"Ingen behovsinventering öppnades {year}.")
        return section
    section.paragraphs.append(f"Siffrorna nedan gäller omgången {round_.title}, öppen "
                              f"{formats.day(round_.opens_on)}–{formats.day(round_.closes_on)} och skickad till "
                              f"{formats.count(round_.targets)} mottagare"
                              + (" (årets senaste omgång som länet ingår i)." if county else
                                 " (årets omgång med flest mottagare)."))
    table = Table("svarsfrekvens", f"Svarsfrekvens per län, {round_.title}",
                  (Col("county", "Län"), Col("targets", "Mottagare", "count"), Col("submitted", "Svar", "count"),
                   Col("share", "Svarsfrekvens", "share"), Col("previous_share", "Förra omgången", "share"),
                   Col("change", "Förändring (procentenheter)", "decimal")),
                  empty="Omgången har inga mottagare i något län.")
    charted: list[tuple[str, float]] = []
    codes = [county] if county else sorted(rates.counties)
    for code in codes:
        rate = rates.counties.get(code)
        if rate is None:
            continue
        before = previous.counties.get(code) if previous else None
        table.add(county_link(code, links), rate.targets, rate.submitted, rate.share,
                  before.share if before else None, points(rate.share, before.share if before else None), key=code)
        if rate.share is not None:
            charted.append((county_label(code), float(formats.percent_of_share(rate.share) or 0)))
    if county and county not in rates.counties:
        table.empty = f"{county_label(county)} har inga mottagare i omgången."
    nation_before = rates.previous_nation
    table.add("Hela landet", rates.nation.targets, rates.nation.submitted, rates.nation.share,
              nation_before.share if nation_before else None,
              points(rates.nation.share, nation_before.share if nation_before else None), key="total", total=True)
    section.tables.append(table)
    shown = rates.counties.get(county) if county else rates.nation
    if shown is not None:
        section.figures.append(Figure("response_rate", "svarsfrekvens i behovsinventeringen"
                                      + (" i länet" if county else ""), shown.share, kind="share", highlight=True))
    if not county and charted:
        section.charts.append(Chart("diagram-svarsfrekvens", f"Svarsfrekvens per län, {round_.title} (procent)",
                                    table.name, tuple(c for c, _ in charted),
                                    (Series("Svarsfrekvens", tuple(v for _, v in charted)),), unit="%"))
    if nation is not None:
        section.tables.extend(needs_tables(nation, "behov-nationellt", "hela landet"))
    if in_county is not None and county:
        section.tables.extend(needs_tables(in_county, "behov-i-lanet", county_label(county)))
    listed = Table("omgangar", f"Årets omgångar av behovsinventeringen {year}",
                   (Col("round", "Omgång"), Col("opens_on", "Öppnade", "date"), Col("closes_on", "Stänger", "date"),
                    Col("targets", "Mottagare", "count"), Col("status", "Status")))
    for listed_round in rounds:
        listed.add(listed_round.title, listed_round.opens_on, listed_round.closes_on, listed_round.targets,
                   ROUND_STATUS.get(listed_round.status, listed_round.status), key=listed_round.id)
    section.tables.append(listed)
    return section


def points(now: float | None, before: float | None) -> str | None:
    """A change of share in percentage points with one decimal, as the API's decimals are written ("4.8")."""
    if now is None or before is None:
        return None
    value = ((Decimal(repr(now)) - Decimal(repr(before))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(value, "f")


def needs_tables(needs: sources.Needs, name: str, where: str) -> list[Table]:
    focus = Table(name, f"Största behoven, {where}: fokusområden",
                  (Col("rank", "Rang", "count"), Col("area", "Fokusområde"),
                   Col("mean", "Angelägenhet (medel 1–5)", "decimal"), Col("count", "Svar", "count"),
                   Col("change", "Förändring sedan förra omgången", "change")),
                  note=SUPPRESSED if needs.suppressed else None)
    for need in needs.focus_areas:
        focus.add(need.rank, need.display, need.mean, need.count, need.change, key=need.code)
    processes = Table(f"{name}-processer", f"Största behoven, {where}: kunskapsprocesser",
                      (Col("rank", "Rang", "count"), Col("process", "Kunskapsprocess"),
                       Col("share", "Andel som behöver stöd", "share"), Col("count", "Svar", "count"),
                       Col("change", "Förändring (procentenheter)", "change")),
                      note=SUPPRESSED if needs.suppressed else None)
    for need in needs.processes[:5]:
        change = None if need.change is None else format(
            (Decimal(need.change) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")
        processes.add(need.rank, need.display, need.share, need.count, change, key=need.code)
    return [focus, processes]


# --- status reports ------------------------------------------------------------------------------------------

def status_section(year: int, reports: sources.StatusReports | None, county: str | None, links: Links) -> Section:
    section = Section("lagesrapporter", f"Lägesrapporter {year}",
                      sources=[ApiLink.of(*sources.status_reports_call(year))])
    if reports is None:
        section.paragraphs.append(f"Inget rapportår är öppnat för {year}: inga lägesrapporter är begärda.")
        return section
    section.figures.extend([
        Figure("submitted", "län har lämnat lägesrapport", reports.submitted, reports.targets,
               highlight=county is None),
        Figure("on_time", "i tid", reports.on_time, reports.submitted),
        Figure("after_due", "efter sista dag", reports.after_due, reports.submitted),
        Figure("missing", "saknas", reports.missing, reports.targets)])
    section.paragraphs.append(f"Sista dag att lämna lägesrapporten: {formats.day(reports.due_on)}.")
    table = Table("lagesrapporter", f"Lägesrapporter {year} per län",
                  (Col("county", "Län"), Col("status", "Status"), Col("submitted_on", "Inlämnad", "date"),
                   Col("on_time", "I tid", "yes_no"), Col("decision_body", "Beslutande organ"),
                   Col("decision_level", "Beslutsnivå")))
    for report in sorted(reports.counties, key=lambda r: r.county_code):
        if county and report.county_code != county:
            continue
        table.add(county_link(report.county_code, links), REPORT_STATUS.get(report.status, report.status),
                  report.submitted_on, report.on_time, report.decision_body or "–",
                  joined((DECISION_LEVELS.get(level, level) for level in report.decision_level), "–"),
                  key=report.county_code)
    section.tables.append(table)
    return section


# --- activities ----------------------------------------------------------------------------------------------

def activities_section(year: int, activities: list[sources.Activity] | None, county: str | None,
                       links: Links) -> Section:
    section = Section("aktiviteter", f"Partnerskapets aktiviteter {year}",
                      sources=[ApiLink.of(*sources.activities_call(year, county))])
    if activities is None:
        section.unavailable = ("Aktiviteterna är inte tillgängliga just nu: rapporteringstjänsten svarar inte. "
                               "Resten av sidan visas ändå.")
        return section
    table = Table("aktiviteter", f"Aktiviteter {year}",
                  (Col("starts_on", "Från", "date"), Col("ends_on", "Till", "date"), Col("title", "Aktivitet"),
                   Col("kind", "Slag"), Col("county", "Län"), Col("description", "Beskrivning")),
                  empty=f"Inga aktiviteter är registrerade för {year}.")
    for activity in activities:
        table.add(activity.starts_on, activity.ends_on, activity.title,
                  ACTIVITY_KINDS.get(activity.kind, activity.kind),
                  county_link(activity.county_code, links) if activity.county_code else "Nationell",
                  activity.description, key=activity.id)
    section.tables.append(table)
    return section


# --- the partnership -----------------------------------------------------------------------------------------

PARTNERSHIP_ID = "partnerskapet"
NATIONAL_PARTIES = (("skr", "Sveriges Kommuner och Regioner"), ("socialstyrelsen", "Socialstyrelsen"))
ROLE_OF_PARTY = {  # seed 001's division of roles, said once per kind of party
    "rss": "Varje RSS har en fast funktion för partnerskapet, samordnar dialogen om kommunernas och regionens behov "
           "i länet och för den vidare in i partnerskapet, och stödjer kunskapsutvecklingen i länet.",
    "skr": "SKR har en fast funktion för partnerskapet och NSK-S, samordnar nätverken för kunskapsutveckling, "
           "administrerar partnerskapets gemensamma projektplats och bjuder in till årsmötet.",
    "socialstyrelsen": "Socialstyrelsen har en fast funktion för partnerskapet och NSK-S, visar vilken kunskap som "
                       "finns att förmedla och hur den kan användas, och samordnar information med berörda "
                       "myndigheter.",
}


def partnership_parties(rss: dict[str, Organisation], posts: list[Post], period: Period, links: Links) -> Section:
    section = Section("parter", f"Parterna och deras kontaktvägar den {formats.day(period.on)}",
                      sources=[ApiLink.of("/actors/organisations", {"kind": "rss", "as_of": period.on},
                                          needs_key=False),
                               ApiLink.of("/actors/posts", {"as_of": period.on}, needs_key=False)])
    contact_points: dict[str, list[Post]] = defaultdict(list)
    seats: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.role == "contact_point":
            contact_points[post.organisation_id].append(post)
        if post.organisation_id == PARTNERSHIP_ID and post.on_behalf_of is not None:
            seats[post.on_behalf_of.id].append(post)
    section.paragraphs.extend(ROLE_OF_PARTY[kind] for kind in ("rss", "skr", "socialstyrelsen"))
    table = Table("parter", "Parterna i partnerskapet",
                  (Col("party", "Part"), Col("kind", "Slag"), Col("county", "Län"),
                   Col("fixed_function", "Fast funktion (kontaktväg)"), Col("representative", "Företrädare")),
                  note="Varje part har en fast funktion för partnerskapet som hör till organisationen, inte till en "
                       "person. Företrädarnas namn är de som registret visar för alla.")
    for party_id, name in NATIONAL_PARTIES:
        table.add(name, "Nationell part", "–", fixed_function(contact_points[party_id]),
                  joined((holder(p) for p in seats[party_id]), "–"), key=party_id)
    for organisation in sorted(rss.values(), key=lambda o: (o.county_code or "", o.name)):
        table.add(organisation.name, "RSS", county_link(organisation.county_code, links),
                  fixed_function(contact_points[organisation.id]),
                  joined((holder(p) for p in seats[organisation.id]), "ingen plats registrerad"),
                  key=organisation.id)
    section.tables.append(table)
    return section


def collaboration_section(posts: list[Post], period: Period) -> Section:
    section = Section("samverkan", f"Samverkan i nationella nätverk och organ den {formats.day(period.on)}",
                      sources=[ApiLink.of("/actors/posts", {"as_of": period.on}, needs_key=False)])
    section.tables.append(seats_per_network(posts))
    return section


# --- history -------------------------------------------------------------------------------------------------

ASPECTS = (("hosts", "Värdorganisation"), ("employers", "Arbetsgivare"), ("parties", "Parter"),
           ("governed_by", "Styrs av"), ("groups", "Grupper"), ("networks", "Nationella nätverk"))


def _aspect_names(overview: RssOverview | None, aspect: str) -> list[str]:
    if overview is None:
        return []
    if aspect == "representatives":
        return [f"{_organisation_name(p)}: {holder(p)}" for p in overview.representatives]
    return sorted({r.organisation.name for r in getattr(overview, aspect)})


def history_sources(code: str, span: Span, rss_ids: Sequence[str]) -> list[ApiLink]:
    return [ApiLink.of("/actors/organisations", {"kind": "rss", "county": code, "as_of": on}, needs_key=False)
            for on in (span.start, span.end)] + [
        ApiLink.of(f"/actors/rss/{rss_id}", {"as_of": on}, needs_key=False)
        for rss_id in rss_ids for on in (span.start, span.end)] + [
        ApiLink.of(f"/actors/organisations/{rss_id}/history", needs_key=False) for rss_id in rss_ids]


def history_section(code: str, span: Span, rss_ids: Sequence[str], before: dict[str, RssOverview | None],
                    after: dict[str, RssOverview | None], histories: dict[str, OrganisationHistory | None]) -> Section:
    section = Section("historik", f"Så ändrades strukturen i {county_label(code)} "
                                  f"{formats.day(span.start)}–{formats.day(span.end)}",
                      sources=history_sources(code, span, rss_ids))
    compared = Table("jamforelse", "Strukturen på de två datumen",
                     (Col("rss", "RSS"), Col("aspect", "Vad"), Col("before", f"Den {formats.day(span.start)}"),
                      Col("after", f"Den {formats.day(span.end)}"), Col("change", "Ändring")),
                     empty="Länet har ingen RSS i registret på något av datumen.")
    for rss_id in rss_ids:
        first, last = before.get(rss_id), after.get(rss_id)
        name = (last or first).rss.name if (last or first) else rss_id
        for aspect, label in (*ASPECTS, ("representatives", "Platser i nätverk")):
            old, new = _aspect_names(first, aspect), _aspect_names(last, aspect)
            added, gone = [n for n in new if n not in old], [n for n in old if n not in new]
            change = "; ".join(([f"tillkom: {', '.join(added)}"] if added else [])
                               + ([f"upphörde: {', '.join(gone)}"] if gone else [])) or "oförändrad"
            compared.add(name, label, joined(old, "–") if first else "RSS:en fanns inte",
                         joined(new, "–") if last else "RSS:en fanns inte", change, key=f"{rss_id}:{aspect}")
    section.tables.append(compared)
    events = Table("handelser", "Händelser mellan datumen",
                   (Col("on", "Datum", "date"), Col("rss", "RSS"), Col("event", "Händelse"),
                    Col("evidence", "Hur datumet är känt")),
                   empty="Registret har inga händelser mellan datumen.")
    for rss_id in rss_ids:
        history = histories.get(rss_id)
        if history is None:
            continue
        for index, event in enumerate(history.events):
            if event.on is not None and span.start <= event.on <= span.end:
                events.add(event.on, history.organisation.name, event_text(event, history),
                           EVIDENCE.get(event.relation.evidence or "", "exakt") if event.relation else "exakt",
                           key=f"{rss_id}:{index}")
    events.rows.sort(key=lambda r: (r.cells[0], r.cells[1]))  # type: ignore[arg-type, return-value]
    section.tables.append(events)
    return section


def event_text(event: HistoryEvent, history: OrganisationHistory) -> str:
    relation = event.relation
    if relation is not None:
        verbs = STARTED if event.event == "relation_started" else ENDED
        return f"{relation.subject.name} {verbs.get(relation.kind, relation.kind)} {relation.object.name}"
    name = history.organisation.name
    if event.event == "founded":
        return f"{name} bildas"
    if event.event == "closed":
        return f"{name} upphör"
    if event.event == "renamed" and event.on is not None:
        before = history.name_on(event.on - timedelta(days=1))
        return f"{before} byter namn till {history.name_on(event.on)}"
    return event.event
