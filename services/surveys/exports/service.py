"""Exports of a round: one row per response and one column per item (a multiple choice: one column per option,
1 when chosen; a ranking: the option's rank), and the aggregated distribution as the API gives it: a table the
caller may not read in full (small numbers, aggregation/suppression.py) has empty counts and 1 in `suppressed`.
Timestamps carry their offset; `submitted_on` is the Swedish day a submission took effect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.service import MIN_GROUP, Aggregates
from services.surveys.questionnaires.schemas import ItemType, flatten
from services.surveys.responses.service import ResponseService
from services.surveys.rounds.service import RoundService
from shared.identity import Principal

Table = tuple[list[str], list[list[Any]]]
RESPONSE_COLUMNS = ["respondent_id", "county_code", "status", "review_state", "late", "submitted_on", "submitted_at",
                    "revision"]


class Exports:
    def __init__(self, session: AsyncSession, caller: Principal, minimum_group: int = MIN_GROUP) -> None:
        self.rounds = RoundService(session, caller)
        self.round_responses = ResponseService(session, caller)
        self.aggregates = Aggregates(session, caller, minimum_group)

    async def responses(self, round_id: str) -> Table:
        round_ = await self.rounds.get(round_id)
        columns: list[tuple[str, str, str | None]] = []  # (header, link_id, option code)
        items = [item for item, _ in flatten(await self.rounds.items(round_))]
        rankings = {item.link_id for item in items if item.type is ItemType.RANKING}
        for item in items:
            if item.type in (ItemType.MULTIPLE_CHOICE, ItemType.RANKING):
                columns += [(f"{item.link_id}:{o.code}", item.link_id, o.code) for o in item.options]
            elif item.type is not ItemType.GROUP:
                columns.append((item.link_id, item.link_id, None))
        rows = []
        for r in await self.round_responses.search(round_id):
            row: list[Any] = [r.respondent_id, r.county_code, r.status, r.review_state, int(r.late),
                              r.submitted_on.isoformat() if r.submitted_on else None,
                              r.submitted_at.isoformat() if r.submitted_at else None, r.revision]
            for _header, link_id, code in columns:
                value = r.answers.get(link_id)
                if code is None:
                    row.append(value)
                elif value is None:
                    row.append(None)
                else:
                    chosen = value.index(code) + 1 if code in value else None
                    row.append(chosen if link_id in rankings else int(chosen is not None))
            rows.append(row)
        return RESPONSE_COLUMNS + [c[0] for c in columns], rows

    async def distribution(self, round_id: str, county: str | None) -> Table:
        found = await self.aggregates.distribution(round_id, county)
        header = ["scope", "link_id", "text", "value", "display", "count", "denominator", "share", "mean",
                  "suppressed"]
        rows = []
        for table in (found.nation, found.county):
            for item in (table.items if table else []):
                withheld = int(table.suppressed)
                for v in item.values:
                    rows.append([table.scope, item.link_id, item.text, v.value, v.display, v.count, v.denominator,
                                 v.share, item.mean, withheld])
                if not item.values:
                    rows.append([table.scope, item.link_id, item.text, None, None, item.answered,
                                 None if table.suppressed else table.submitted, None, item.mean, withheld])
        return header, rows
