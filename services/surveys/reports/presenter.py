"""How reporting years and their compilation are shown: a reporting year with its round, each county's report
beside its answers, the tallies of the compilation, and a reporting year in the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.surveys.aggregation.presenter import share
from services.surveys.moments import swedish_day
from services.surveys.questionnaires.schemas import Item
from services.surveys.reports.models import ReportingYear
from services.surveys.reports.schemas import CompilationOut, CountyReport, ReportingYearOut, Tally
from services.surveys.responses.schemas import ResponseOut
from services.surveys.rounds.models import RoundTarget
from services.surveys.rounds.schemas import RoundOut

ROLES, PRINCIPALS = "underskrifter.roller", "underskrifter.huvudman"
LEVEL, SCOPE = "beslut.niva", "beslut.omfang"
BOTH_PRINCIPALS = ["kommunerna", "landstinget"]


def codes(answer: Any) -> list[str]:
    """A choice's answer as a list of codes: a multiple choice as it is, a single choice (version 1) as one."""
    if answer is None:
        return []
    return list(answer) if isinstance(answer, list) else [answer]


def reporting_year_out(year: int, due_on: date, round_: RoundOut) -> ReportingYearOut:
    return ReportingYearOut(year=year, round_id=round_.id, due_on=due_on, opens_on=round_.opens_on,
                            closes_on=round_.closes_on, status=round_.status, targets=round_.targets)


def tallies_out(item: Item | None, counts: dict[tuple[str, str], int], submitted: int) -> list[Tally]:
    """How many submitted reports chose each option of `item` (`counts`: (item, option) -> reports)."""
    if item is None:
        return []
    return [Tally(code=o.code, display=o.display, count=counts.get((item.link_id, o.code), 0),
                  denominator=submitted, share=share(counts.get((item.link_id, o.code), 0), submitted))
            for o in item.options]


def both_out(item: Item | None, count: int, submitted: int) -> Tally:
    """The reports signed for both principals."""
    names = [o.display for o in item.options if o.code in BOTH_PRINCIPALS] if item else BOTH_PRINCIPALS
    return Tally(code="+".join(BOTH_PRINCIPALS), display=" och ".join(names), count=count, denominator=submitted,
                 share=share(count, submitted))


def county_report_out(target: RoundTarget, found: ResponseOut | None, due_on: date) -> CountyReport:
    """One target's report as the compilation shows it: `found`, its response (None: none yet)."""
    answers = found.answers if found else {}
    sent = found if found and found.status == "submitted" else None
    effective = (sent.submitted_on or (swedish_day(sent.submitted_at) if sent.submitted_at else None)
                 if sent else None)
    return CountyReport(
        organisation_id=target.organisation_id, name=target.name, county_code=target.county_code,
        status=found.status if found else "missing", submitted_on=effective,
        submitted_at=sent.submitted_at if sent else None,
        on_time=effective <= due_on if effective else None, late=bool(found and found.late),
        decision_body=answers.get("beslut.organ"), decision_level=codes(answers.get(LEVEL)),
        decision_scope=codes(answers.get(SCOPE)), decision_date=answers.get("beslut.datum"),
        signatories=answers.get("underskrifter.namn"), signatory_roles=answers.get(ROLES, []),
        signed_for=answers.get(PRINCIPALS, []), answers=answers)


def compilation_out(year: ReportingYear, items: dict[str, Item], counties: list[CountyReport], submitted: int,
                    counts: dict[tuple[str, str], int], signed_for_both: int) -> CompilationOut:
    """The year's compilation: `items` by link id, `counts` (item, option) -> submitted reports that chose it,
    `signed_for_both` the reports signed for both principals."""
    on_time = sum(1 for c in counties if c.on_time)
    return CompilationOut(
        year=year.year, round_id=year.round_id, due_on=year.due_on, targets=len(counties), submitted=submitted,
        on_time=on_time, after_due=submitted - on_time, missing=len(counties) - submitted,
        signed_by=tallies_out(items.get(ROLES), counts, submitted),
        signed_for=tallies_out(items.get(PRINCIPALS), counts, submitted),
        signed_for_both=both_out(items.get(PRINCIPALS), signed_for_both, submitted),
        decided_at=tallies_out(items.get(LEVEL), counts, submitted),
        decided_where=tallies_out(items.get(SCOPE), counts, submitted), counties=counties)


def audit_snapshot(year: ReportingYear) -> dict[str, Any]:
    return {"year": year.year, "round_id": year.round_id, "due_on": year.due_on.isoformat()}
