"""The aggregated pictures of a round: response rates per county and nationally, each item's distribution of
answers, and the needs ranked per focus area, process and mission area; a county beside the nation, and the
change from the previous round of the same questionnaire. Every share comes with its count and denominator.
Counting is done in the database (aggregation/repository.py); here the counts are only put side by side.

A distribution's size follows the answers, never an item's range: a scale answers one count a step (a scale has
at most MAX_SCALE_STEPS of them; one stored before that bound, past it, is binned), and an integer or decimal item
at most MAX_BINS bins of equal width over its bounds (or, without them, over the answers given in either round),
so the round and the previous one share their bins.

Small numbers are suppressed (aggregation/suppression.py): a table counted over too few responses that are not
the caller's own has null figures marked `suppressed`, and its bins and ranks are drawn from nothing it withholds.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.aggregation.presenter import (
    distribution_out,
    needs_out,
    response_rates_out,
    share,
    two_decimals,
    withhold,
)
from services.surveys.aggregation.repository import AggregateRepository
from services.surveys.aggregation.schemas import (
    Distribution,
    DistributionOut,
    ItemDistribution,
    Needs,
    NeedsOut,
    RankedNeed,
    ResponseRatesOut,
    ValueCount,
)
from services.surveys.aggregation.suppression import Withheld, withheld
from services.surveys.codelists.reference import MISSION_AREAS, PROCESSES
from services.surveys.questionnaires.definition import MAX_SCALE_STEPS
from services.surveys.questionnaires.schemas import CHOICE_TYPES, NUMBER_TYPES, Item, ItemType, flatten
from services.surveys.rounds.models import Round
from services.surveys.rounds.service import RoundService
from shared.identity import Principal, Role
from shared.problems import InvalidInput

MAX_BINS = 20
MIN_GROUP = 3  # the default of SURVEYS_AGGREGATE_MIN_GROUP
NOTHING: dict = {"submitted": 0, "answered": {}, "options": {}, "numbers": {}}  # the counts of a withheld table
STORED_PLACES = Decimal("0.000001")  # answers are stored with six decimals
ONE = Decimal(1)

Counts = dict[Decimal, int]  # an item's answers: number -> how many gave it
Row = tuple[str, str | None, int, int | None, str | None, str | None]  # value, display, count, previous, low, high


def _text(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _binned(item: Item, now: Counts, before: Counts | None) -> list[Row]:
    """The item's answers in at most MAX_BINS bins of equal width over its bounds, or over the answers given."""
    answers = [*now, *(before or {})]
    low = item.min_value if item.min_value is not None else min(answers, default=None)
    high = item.max_value if item.max_value is not None else max(answers, default=None)
    if low is None or high is None or low > high:
        return []
    whole = item.type is not ItemType.DECIMAL
    if whole:
        low, high = low.to_integral_value(ROUND_CEILING), high.to_integral_value(ROUND_FLOOR)
        width = max(ONE, ((high - low + 1) / MAX_BINS).to_integral_value(ROUND_CEILING))
        edges = [low + n * width for n in range(int((high - low) // width) + 1)]
    else:
        width = max(STORED_PLACES, ((high - low) / MAX_BINS).quantize(STORED_PLACES, ROUND_CEILING))
        edges = [low + n * width for n in range(min(MAX_BINS, int((high - low) // width) + 1))]

    def counted(counts: Counts) -> list[int]:
        found = [0] * len(edges)
        for number, count in counts.items():
            found[min(len(edges) - 1, max(0, int((number - low) // width)))] += count
        return found

    in_now, in_before = counted(now), counted(before) if before is not None else None
    rows: list[Row] = []
    for n, start in enumerate(edges):
        last = n == len(edges) - 1
        end = min(high, start + width - 1) if whole else (high if last else start + width)
        value = _text(start) if whole and start == end else f"{_text(start)}..{_text(end)}"
        rows.append((value, None, in_now[n], in_before[n] if in_before is not None else None, _text(start),
                     _text(end)))
    return rows


class Aggregates:
    def __init__(self, session: AsyncSession, caller: Principal, minimum_group: int = MIN_GROUP) -> None:
        self.caller = caller
        self.minimum_group = minimum_group
        self.rounds = RoundService(session, caller)
        self.repository = AggregateRepository(session)

    # What the status reports' compilation reads (national, so nothing is withheld), through this service.

    async def submitted_in(self, round_id: str) -> int:
        """How many responses of the round are submitted."""
        return (await self.repository.submitted([round_id], None))[round_id]

    async def chosen_in(self, round_id: str) -> dict[tuple[str, str], int]:
        """(item, option) -> how many submitted responses of the round chose it."""
        return (await self.repository.option_counts([round_id], None))[round_id]

    async def _withheld(self, round_ids: list[str]) -> dict[str, Withheld]:
        """Per round, the tables withheld from the caller (one statement; none for a national administrator)."""
        if self.caller.role is Role.NATIONAL_ADMIN:
            return {r: withheld(self.caller, {}, self.minimum_group) for r in round_ids}
        counted = await self.repository.submitted_by_county(round_ids)
        return {r: withheld(self.caller, counted[r], self.minimum_group) for r in round_ids}

    async def _round(self, round_id: str, county: str | None) -> tuple[Round, Round | None, list[Item]]:
        if county is not None and len(county) != 2:
            raise InvalidInput.field("query.county", "county_code", "A county code is two digits.")
        round_ = await self.rounds.get(round_id)
        items = await self.rounds.items(round_)
        return round_, await self.rounds.previous(round_), items

    async def rates(self, round_id: str) -> ResponseRatesOut:
        _, previous, _ = await self._round(round_id, None)
        return response_rates_out(round_id, await self.rounds.rates(round_id),
                                  previous.id if previous else None,
                                  await self.rounds.rates(previous.id) if previous else None)

    async def distribution(self, round_id: str, county: str | None) -> DistributionOut:
        round_, previous, items = await self._round(round_id, county)
        scopes = [None] + ([county] if county else [])
        hidden = await self._withheld([round_.id] + ([previous.id] if previous else []))
        tables = [await self._distribution(round_.id, previous, items, scope, hidden) for scope in scopes]
        return distribution_out(round_id, previous.id if previous else None, tables[0],
                                tables[1] if county else None)

    async def _distribution(self, round_id: str, previous: Round | None, items: list[Item],
                            county: str | None, hidden: dict[str, Withheld]) -> Distribution:
        counted = await self._counts([round_id] + ([previous.id] if previous else []), county)
        suppression = hidden[round_id].of(county)
        previous_suppressed = previous is not None and hidden[previous.id].of(county) is not None
        # A withheld table is built from no answers, so neither its bins nor anything else follows from them.
        now = NOTHING if suppression else counted[round_id]
        before = counted[previous.id] if previous and not previous_suppressed else None
        out = []
        for item, _ in flatten(items):
            if item.type is ItemType.GROUP:
                continue
            answered, mean = now["answered"].get(item.link_id, (0, None))
            previous_answered = before["answered"].get(item.link_id, (0, None))[0] if before else None
            values = []
            for value, display, count, previous_count, low, high in self._values(item, now, before):
                values.append(ValueCount(
                    value=value, display=display, low=low, high=high,
                    count=None if suppression else count, denominator=None if suppression else answered,
                    share=None if suppression else share(count, answered), suppressed=suppression is not None,
                    previous_count=previous_count, previous_denominator=previous_answered,
                    previous_share=share(previous_count, previous_answered or 0) if previous_count is not None
                    else None))
            out.append(ItemDistribution(link_id=item.link_id, text=item.text, type=item.type.value,
                                        answered=None if suppression else answered,
                                        mean=two_decimals(mean) if item.type not in CHOICE_TYPES else None,
                                        values=values))
        return Distribution(scope=county or "nation", submitted=counted[round_id]["submitted"],
                            suppressed=suppression is not None, suppression=suppression,
                            previous_suppressed=previous_suppressed, items=out)

    @staticmethod
    def _values(item: Item, now: dict, before: dict | None) -> list[Row]:
        if item.type in CHOICE_TYPES:
            return [(o.code, o.display, now["options"].get((item.link_id, o.code), 0),
                     before["options"].get((item.link_id, o.code), 0) if before else None, None, None)
                    for o in item.options]
        if item.type not in NUMBER_TYPES:
            return []
        numbers = now["numbers"].get(item.link_id, {})
        numbers_before = before["numbers"].get(item.link_id, {}) if before else None
        if item.type is ItemType.SCALE and item.min_value is not None and item.max_value is not None and \
                item.max_value - item.min_value < MAX_SCALE_STEPS:
            steps = [Decimal(n) for n in range(int(item.min_value), int(item.max_value) + 1)]
            return [(str(n), None, numbers.get(n, 0), numbers_before.get(n, 0) if numbers_before is not None
                     else None, None, None) for n in steps]
        return _binned(item, numbers, numbers_before)

    async def _counts(self, round_ids: list[str], county: str | None) -> dict[str, dict]:
        """Each round's counts: four statements for the round and its previous one together."""
        submitted = await self.repository.submitted(round_ids, county)
        answered = await self.repository.answered(round_ids, county)
        options = await self.repository.option_counts(round_ids, county)
        numbers: dict[str, dict[str, Counts]] = {r: defaultdict(dict) for r in round_ids}
        for round_id, counted in (await self.repository.number_counts(round_ids, county)).items():
            for (link_id, number), count in counted.items():
                numbers[round_id][link_id][number] = count
        return {r: {"submitted": submitted[r], "answered": answered[r], "options": options[r], "numbers": numbers[r]}
                for r in round_ids}

    async def needs(self, round_id: str, county: str | None) -> NeedsOut:
        round_, previous, items = await self._round(round_id, county)
        scopes = [None] + ([county] if county else [])
        hidden = await self._withheld([round_.id] + ([previous.id] if previous else []))
        tables = [withhold(await self._needs(round_.id, previous, items, scope), hidden[round_.id].of(scope),
                            previous is not None and hidden[previous.id].of(scope) is not None)
                  for scope in scopes]
        return needs_out(round_id, previous.id if previous else None, tables[0], tables[1] if county else None)

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
