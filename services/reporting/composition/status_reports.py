"""The status-report part of the report, from surveys' compilation of the year: per county (or RSS) whether its
report came in, on which day and whether on time, which body decided it at which level, and in which roles it
was signed (`status_reports`); and the compilation's counts as figures ("12 av 21 län har lämnat
lägesrapport")."""

from __future__ import annotations

from datetime import date

from services.reporting.composition.document import Column, Figure, Part, Source, Table
from services.reporting.composition.surveys import Compilation
from services.reporting.composition.wording import of

SEPARATOR = "; "
STATUS_COLUMNS = (Column("county_code", "Län", "string"), Column("name", "Rapporterande", "string"),
                  Column("submitted", "Inkommen", "boolean"), Column("submitted_on", "Inkom", "date"),
                  Column("on_time", "I tid", "boolean"), Column("deciding_body", "Beslutande organ", "string"),
                  Column("decision_level", "Beslutsnivå", "string"),
                  Column("signatories", "Undertecknad av", "string"))


def sources(year: int, on: date) -> list[Source]:
    return [Source("surveys-status", "surveys", f"/surveys/status-reports/{year}", on)]


def _key(code: str) -> str:
    return code.replace("-", "_")


def _noun(compilation: Compilation) -> str:
    """Who reports: the counties, or the RSS (a reporting year sent to the RSS)."""
    return "RSS" if any(c.organisation_id.startswith("rss-") for c in compilation.counties) else "län"


def status_part(compilation: Compilation | None, year: int, on: date) -> Part:
    if compilation is None:
        table = Table("status_reports", f"Lägesrapporter {year}", "surveys-status", STATUS_COLUMNS, [])
        return Part(tables=[table], sources=sources(year, on),
                    notes=[f"Ingen lägesrapportering öppnad för {year}."])
    levels = {t.code: t.display for t in compilation.decided_at}
    roles = {t.code: t.display for t in compilation.signed_by}
    rows = []
    for county in sorted(compilation.counties, key=lambda c: (c.county_code or "", c.organisation_id)):
        submitted = county.status == "submitted"
        rows.append({"county_code": county.county_code, "name": county.name, "submitted": submitted,
                     "submitted_on": county.submitted_on.isoformat() if submitted and county.submitted_on else None,
                     "on_time": county.on_time if submitted else None,
                     "deciding_body": county.decision_body if submitted else None,
                     "decision_level": SEPARATOR.join(levels.get(c, c) for c in county.decision_level) or None
                     if submitted else None,
                     "signatories": SEPARATOR.join(roles.get(c, c) for c in county.signatory_roles) or None
                     if submitted else None})
    noun, targets, submitted = _noun(compilation), compilation.targets, compilation.submitted
    due = compilation.due_on.isoformat()
    figures = [
        Figure("status_reports_submitted", "Lägesrapporter inkomna", submitted, targets,
               of(submitted, targets, noun, "har lämnat lägesrapport"), "surveys-status"),
        Figure("status_reports_on_time", "Lägesrapporter i tid", compilation.on_time, submitted,
               of(compilation.on_time, submitted, "inkomna lägesrapporter", f"kom in i tid (senast {due})"),
               "surveys-status"),
    ]
    for tally in compilation.decided_at:
        figures.append(Figure(f"status_reports_decided_{_key(tally.code)}", f"Beslutade på nivån {tally.display}",
                              tally.count, tally.denominator,
                              of(tally.count, tally.denominator, "lägesrapporter", f"är beslutade på "
                                                                                   f"{tally.display.lower()}"),
                              "surveys-status"))
    both = compilation.signed_for_both
    figures.append(Figure("status_reports_signed_for_both", "Undertecknade för båda huvudmännen", both.count,
                          both.denominator, of(both.count, both.denominator, "lägesrapporter",
                                               "är undertecknade för både kommunerna och landstinget eller "
                                               "regionen"), "surveys-status"))
    for tally in compilation.signed_by:
        if tally.count:
            figures.append(Figure(f"status_reports_signed_by_{_key(tally.code)}", f"Undertecknade av: {tally.display}",
                                  tally.count, tally.denominator,
                                  of(tally.count, tally.denominator, "lägesrapporter",
                                     f"är undertecknade av {tally.display[:1].lower()}{tally.display[1:]}"),
                                  "surveys-status"))
    notes = [] if submitted else [f"Inga lägesrapporter har kommit in för {year}."]
    table = Table("status_reports", f"Lägesrapporter {year} (senast {due})", "surveys-status", STATUS_COLUMNS, rows)
    return Part(tables=[table], figures=figures, sources=sources(year, on), notes=notes, has_data=True)
