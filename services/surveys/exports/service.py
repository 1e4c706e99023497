"""Exports of a round and of a reporting year, as tables for shared.spreadsheet_export (typed cells, labels over
the ids):

- responses: one row per response and one column per item, headed by the item's text over its linkId (a
  multiple choice: one column per option, TRUE when chosen, headed "text: option" over `linkId:code`; a ranking:
  the option's rank); numbers as numbers, a decimal item's answer as a Decimal, a date item's as a date.
- distribution: the aggregated distribution as the API gives it: a table the caller may not read in full (small
  numbers, aggregation/suppression.py) has empty counts and TRUE in `suppressed`; a mean is a Decimal.
- the status-report compilation of a year: one row per county (or RSS) with its status and answers.

County names stand beside county codes. Timestamps carry their offset; `submitted_on` is the Swedish day a
submission took effect."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.service import MIN_GROUP, Aggregates
from services.surveys.questionnaires.schemas import Item, ItemType, flatten
from services.surveys.reports.service import StatusReports
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.service import RoundService
from shared.counties import county_name
from shared.identity import Principal
from shared.spreadsheet_export import Column

Table = tuple[list[Column], list[list[Any]]]
RESPONSE_COLUMNS = [Column("respondent_id", "Respondent"), Column("county_code", "Länskod"),
                    Column("county_name", "Län"), Column("status", "Status"),
                    Column("review_state", "Granskning"), Column("late", "Sen"),
                    Column("submitted_on", "Inskickad dag"), Column("submitted_at", "Inskickad"),
                    Column("revision", "Version")]
DISTRIBUTION_COLUMNS = [Column("scope", "Omfattning"), Column("county_name", "Län"), Column("link_id", "Fråge-id"),
                        Column("text", "Fråga"), Column("value", "Värde"), Column("display", "Svar"),
                        Column("count", "Antal"), Column("denominator", "Av"), Column("share", "Andel"),
                        Column("mean", "Medelvärde"), Column("suppressed", "Undertryckt")]
COMPILATION_COLUMNS = [Column("organisation_id", "Organisation"), Column("name", "Namn"),
                       Column("county_code", "Länskod"), Column("county_name", "Län"), Column("status", "Status"),
                       Column("submitted_on", "Inskickad dag"), Column("submitted_at", "Inskickad"),
                       Column("on_time", "I tid"), Column("late", "Sen"), Column("decision_body", "Beslutande organ"),
                       Column("decision_level", "Beslutsnivå"), Column("decision_scope", "Beslutets omfattning"),
                       Column("decision_date", "Beslutsdatum"), Column("signatories", "Undertecknare"),
                       Column("signatory_roles", "Undertecknares roller"), Column("signed_for", "Undertecknat för")]


def _typed(item: Item, value: Any) -> Any:
    """An answer as its cell: a number item's a number, a decimal item's a Decimal, a date item's a date; a list
    (several codes) as its codes joined."""
    if value is None:
        return None
    try:
        if item.type is ItemType.DECIMAL:
            return Decimal(str(value))
        if item.type in (ItemType.SCALE, ItemType.INTEGER) and not isinstance(value, bool):
            return int(value)
        if item.type is ItemType.DATE and isinstance(value, str):
            return date.fromisoformat(value)
    except (ValueError, InvalidOperation):
        return str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _joined(values: list[str]) -> str | None:
    return "; ".join(values) if values else None


class Exports:
    def __init__(self, session: AsyncSession, caller: Principal, minimum_group: int = MIN_GROUP) -> None:
        self.rounds = RoundService(session, caller)
        self.round_responses = ResponseService(session, caller)
        self.aggregates = Aggregates(session, caller, minimum_group)
        self.reports = StatusReports(session, caller)

    async def responses(self, round_id: str) -> Table:
        round_ = await self.rounds.get(round_id)
        columns: list[tuple[Column, Item, str | None]] = []  # (column, item, option code)
        for item, _ in flatten(await self.rounds.items(round_)):
            if item.type in (ItemType.MULTIPLE_CHOICE, ItemType.RANKING):
                columns += [(Column(f"{item.link_id}:{o.code}", f"{item.text}: {o.display}"), item, o.code)
                            for o in item.options]
            elif item.type is not ItemType.GROUP:
                columns.append((Column(item.link_id, item.text), item, None))
        rows = []
        for r in await self.round_responses.search(round_id):
            row: list[Any] = [r.respondent_id, r.county_code, county_name(r.county_code), r.status, r.review_state,
                              r.late, r.submitted_on, r.submitted_at, r.revision]
            for _column, item, code in columns:
                value = r.answers.get(item.link_id)
                if code is None:
                    row.append(_typed(item, value))
                elif value is None:
                    row.append(None)
                elif item.type is ItemType.RANKING:
                    row.append(value.index(code) + 1 if code in value else None)
                else:
                    row.append(code in value)
            rows.append(row)
        return RESPONSE_COLUMNS + [c[0] for c in columns], rows

    async def distribution(self, round_id: str, county: str | None) -> Table:
        found = await self.aggregates.distribution(round_id, county)
        rows = []
        for table in (found.nation, found.county):
            for item in (table.items if table else []):
                name = county_name(table.scope)
                for v in item.values:
                    rows.append([table.scope, name, item.link_id, item.text, v.value, v.display, v.count,
                                 v.denominator, v.share, _decimal(item.mean), table.suppressed])
                if not item.values:
                    rows.append([table.scope, name, item.link_id, item.text, None, None, item.answered,
                                 None if table.suppressed else table.submitted, None, _decimal(item.mean),
                                 table.suppressed])
        return DISTRIBUTION_COLUMNS, rows

    async def compilation(self, year: int) -> Table:
        """One row per county (or RSS) as the compilation lists it, then its answers, one column per item of the
        year's template (its text over its linkId)."""
        compiled = await self.reports.compilation(year)
        items = [item for item, _ in flatten(await self.rounds.items(await self.rounds.get(compiled.round_id)))
                 if item.type is not ItemType.GROUP]
        rows = []
        for c in compiled.counties:
            rows.append([c.organisation_id, c.name, c.county_code, county_name(c.county_code), c.status,
                         c.submitted_on, c.submitted_at, c.on_time, c.late, c.decision_body,
                         _joined(c.decision_level), _joined(c.decision_scope), c.decision_date, c.signatories,
                         _joined(c.signatory_roles), _joined(c.signed_for),
                         *(_typed(item, c.answers.get(item.link_id)) for item in items)])
        return COMPILATION_COLUMNS + [Column(item.link_id, item.text) for item in items], rows
