"""The aggregated pictures of a round: response rates per county and nationally, each item's distribution of
answers, and the needs ranked per focus area, process and mission area; a county beside the nation, and the
change from the previous round of the same questionnaire. Every share comes with its count and denominator.
Counting is done in the database (aggregation/repository.py); here the counts are only put side by side."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.repository import AggregateRepository
from services.surveys.aggregation.schemas import (
    Distribution,
    DistributionOut,
    ItemDistribution,
    Needs,
    NeedsOut,
    RankedNeed,
    Rate,
    ResponseRatesOut,
    ValueCount,
)
from services.surveys.codelists.reference import MISSION_AREAS, PROCESSES
from services.surveys.questionnaires.schemas import CHOICE_TYPES, Item, ItemType, flatten, items_of
from services.surveys.questionnaires.service import QuestionnaireService
from services.surveys.rounds.models import Round
from services.surveys.rounds.service import RoundService
from shared.identity import Principal
from shared.problems import InvalidInput


def share(count: int, denominator: int) -> float | None:
    return round(count / denominator, 4) if denominator else None


def two_decimals(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class Aggregates:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.rounds = RoundService(session, caller)
        self.repository = AggregateRepository(session)

    async def _round(self, round_id: str, county: str | None) -> tuple[Round, Round | None, list[Item]]:
        if county is not None and len(county) != 2:
            raise InvalidInput.field("query.county", "county_code", "A county code is two digits.")
        round_ = await self.rounds.get(round_id)
        version = await QuestionnaireService(self.session, self.caller).get(round_.questionnaire_id, round_.version)
        return round_, await self.rounds.repository.previous(round_), items_of(version.items)

    async def rates(self, round_id: str) -> ResponseRatesOut:
        round_, previous, _ = await self._round(round_id, None)
        counties = [Rate(county_code=c, targets=t, submitted=s, share=share(s, t))
                    for c, t, s in await self.rounds.repository.rates(round_id)]
        previous_nation = None
        if previous is not None:
            rows = await self.rounds.repository.rates(previous.id)
            targets, submitted = sum(r[1] for r in rows), sum(r[2] for r in rows)
            previous_nation = Rate(targets=targets, submitted=submitted, share=share(submitted, targets))
        targets, submitted = sum(c.targets for c in counties), sum(c.submitted for c in counties)
        return ResponseRatesOut(round_id=round_id, nation=Rate(targets=targets, submitted=submitted,
                                                               share=share(submitted, targets)),
                                counties=counties, previous_round_id=previous.id if previous else None,
                                previous_nation=previous_nation)

    async def distribution(self, round_id: str, county: str | None) -> DistributionOut:
        round_, previous, items = await self._round(round_id, county)
        scopes = [None] + ([county] if county else [])
        tables = [await self._distribution(round_.id, previous, items, scope) for scope in scopes]
        return DistributionOut(round_id=round_id, previous_round_id=previous.id if previous else None,
                               nation=tables[0], county=tables[1] if county else None)

    async def _distribution(self, round_id: str, previous: Round | None, items: list[Item],
                            county: str | None) -> Distribution:
        counted = await self._counts([round_id] + ([previous.id] if previous else []), county)
        now, before = counted[round_id], counted[previous.id] if previous else None
        out = []
        for item, _ in flatten(items):
            if item.type is ItemType.GROUP:
                continue
            answered, mean = now["answered"].get(item.link_id, (0, None))
            previous_answered = before["answered"].get(item.link_id, (0, None))[0] if before else None
            values = []
            for value, display, count, previous_count in self._values(item, now, before):
                values.append(ValueCount(
                    value=value, display=display, count=count, denominator=answered, share=share(count, answered),
                    previous_count=previous_count, previous_denominator=previous_answered,
                    previous_share=share(previous_count, previous_answered or 0) if previous_count is not None
                    else None))
            out.append(ItemDistribution(link_id=item.link_id, text=item.text, type=item.type.value,
                                        answered=answered, mean=two_decimals(mean) if item.type not in CHOICE_TYPES
                                        else None, values=values))
        return Distribution(scope=county or "nation", submitted=now["submitted"], items=out)

    @staticmethod
    def _values(item: Item, now: dict, before: dict | None) -> list[tuple[str, str | None, int, int | None]]:
        if item.type in CHOICE_TYPES:
            return [(o.code, o.display, now["options"].get((item.link_id, o.code), 0),
                     before["options"].get((item.link_id, o.code), 0) if before else None) for o in item.options]
        if item.type is ItemType.SCALE and item.min_value is not None and item.max_value is not None:
            steps = [Decimal(n) for n in range(int(item.min_value), int(item.max_value) + 1)]
            return [(str(n), None, now["numbers"].get((item.link_id, n.normalize()), 0),
                     before["numbers"].get((item.link_id, n.normalize()), 0) if before else None) for n in steps]
        return []

    async def _counts(self, round_ids: list[str], county: str | None) -> dict[str, dict]:
        """Each round's counts: four statements for the round and its previous one together."""
        submitted = await self.repository.submitted(round_ids, county)
        answered = await self.repository.answered(round_ids, county)
        options = await self.repository.option_counts(round_ids, county)
        numbers = await self.repository.number_counts(round_ids, county)
        return {r: {"submitted": submitted[r], "answered": answered[r], "options": options[r], "numbers": numbers[r]}
                for r in round_ids}

    async def needs(self, round_id: str, county: str | None) -> NeedsOut:
        round_, previous, items = await self._round(round_id, county)
        scopes = [None] + ([county] if county else [])
        tables = [await self._needs(round_.id, previous, items, scope) for scope in scopes]
        return NeedsOut(round_id=round_id, previous_round_id=previous.id if previous else None,
                        nation=tables[0], county=tables[1] if county else None)

    async def _needs(self, round_id: str, previous: Round | None, items: list[Item], county: str | None) -> Needs:
        flat = [item for item, _ in flatten(items)]
        urgency = {i.link_id: i for i in flat if i.type is ItemType.SCALE and i.category}
        processes = [i for i in flat if i.code_list == PROCESSES]
        ranking = next((i for i in flat if i.code_list == MISSION_AREAS and i.type is ItemType.RANKING), None)
        rounds = [round_id] + ([previous.id] if previous else [])
        submitted_in = await self.repository.submitted(rounds, county)
        answered_in = await self.repository.answered(rounds, county)
        submitted, answered = submitted_in[round_id], answered_in[round_id]
        before = answered_in[previous.id] if previous else {}
        areas = []
        for link_id, item in urgency.items():
            count, mean = answered.get(link_id, (0, None))
            previous_count, previous_mean = before.get(link_id, (None, None))
            group = next((g for g in flat if g.type is ItemType.GROUP and g.category == item.category), item)
            areas.append(RankedNeed(rank=0, code=item.category or link_id, display=group.text, count=count,
                                    denominator=submitted, share=share(count, submitted), mean=two_decimals(mean),
                                    previous_count=previous_count, previous_mean=two_decimals(previous_mean),
                                    change=two_decimals(mean - previous_mean) if mean is not None and
                                    previous_mean is not None else None))
        areas.sort(key=lambda a: (-(Decimal(a.mean) if a.mean else Decimal(-1)), a.code))
        chosen_in = await self.repository.respondents_choosing(rounds, county, [i.link_id for i in processes])
        chosen = chosen_in[round_id]
        chosen_before = chosen_in[previous.id] if previous else None
        previous_submitted = submitted_in[previous.id] if previous else 0
        named = []
        for option in (processes[0].options if processes else []):
            count = chosen.get(option.code, 0)
            previous_count = chosen_before.get(option.code, 0) if chosen_before is not None else None
            now_share, then_share = share(count, submitted), share(previous_count or 0, previous_submitted)
            named.append(RankedNeed(rank=0, code=option.code, display=option.display, count=count,
                                    denominator=submitted, share=now_share, previous_count=previous_count,
                                    change=f"{now_share - then_share:.4f}" if previous_count is not None and
                                    now_share is not None and then_share is not None else None))
        named.sort(key=lambda n: (-n.count, n.code))
        missions = []
        if ranking is not None:
            ranks = await self.repository.mean_ranks(round_id, county, ranking.link_id)
            for option in ranking.options:
                count, mean = ranks.get(option.code, (0, None))
                missions.append(RankedNeed(rank=0, code=option.code, display=option.display, count=count,
                                           denominator=submitted, share=share(count, submitted),
                                           mean=two_decimals(mean)))
            missions.sort(key=lambda m: (Decimal(m.mean) if m.mean else Decimal(999), m.code))
        for ranked in (areas, named, missions):
            for n, need in enumerate(ranked, start=1):
                need.rank = n
        return Needs(scope=county or "nation", submitted=submitted, focus_areas=areas, processes=named,
                     mission_areas=missions)
