"""Composing the annual report: every question to the platform asked as soon as what it depends on is known, a
few at a time (`BoundedPlatform`), then each part of the report made from the answers.

Four branches run side by side: the registry (counties, the RSS and the networks, then each RSS's overview), the
money (the year's agreements and national balance, then each county's balance by agreement, then the ledger check
of each agreement with money of the year), the needs (the rounds of the year and the year before, then each
round's response rates and, for the year's rounds, the national and each answering county's ranked needs) and the
status reports (the year's compilation). A service that cannot answer fails the whole composition at once (503,
the other questions cancelled): a report is made of every part or not at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from services.reporting.composition.activities import ActivityFact, activities_part, per_rss
from services.reporting.composition.document import assemble
from services.reporting.composition.funding import FundingReader, LedgerCheck
from services.reporting.composition.money import Money, money_part
from services.reporting.composition.needs import Needs, needs_part, summed_rates
from services.reporting.composition.platform import BoundedPlatform
from services.reporting.composition.status_reports import status_part
from services.reporting.composition.structure import Registry, structure_part
from services.reporting.composition.surveys import NeedsPicture, Rates, Round, SurveysReader
from services.reporting.composition.totals import totals_part
from services.reporting.identifiers import FIRST_YEAR
from shared.registry_client import RegistryClient
from shared.service_client import PlatformClient

T = TypeVar("T")
NATIONAL_NETWORK = "national_network"


async def together(*awaitables: Awaitable[T]) -> list[T]:
    """The answers of all, asked at once; the first failure cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(a)) for a in awaitables]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _first(group: BaseExceptionGroup) -> BaseException:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


@dataclass(frozen=True)
class Composition:
    document: dict[str, Any]  # without version, time and hash
    calls: int  # the questions the platform was asked


class Composer:
    def __init__(self, client: PlatformClient, *, concurrency: int, schema_url: str) -> None:
        self.client = client
        self.concurrency = concurrency
        self.schema_url = schema_url

    async def compose(self, year: int, on: date, activities: list[ActivityFact]) -> Composition:
        platform = BoundedPlatform(self.client, self.concurrency)
        registry, money, needs, compilation = await together(
            self._registry(RegistryClient(platform), on), self._money(FundingReader(platform), year, on),
            self._needs(SurveysReader(platform), year), SurveysReader(platform).status_compilation(year))
        structure, networks = registry
        counties = len(structure.counties)
        names = {**{rss.id: rss.name for rss in structure.rss.values()}, **networks}
        nation_rate = summed_rates(needs.rounds, needs.rates)[0] if needs.rounds else None
        parts = [
            structure_part(structure, on, per_rss(activities)),
            money_part(money, year, on, counties),
            needs_part(needs, year, on, structure.counties),
            status_part(compilation, year, on),
            activities_part(activities, year, on, names, counties),
            totals_part(year=year, rss=len(structure.overviews), counties=counties, money=money.total,
                        needs=nation_rate, compilation=compilation, activities=len(activities)),
        ]
        notes: list[str] = []
        if not any(part.has_data for part in parts):
            notes.append(f"Rapporten för {year} är tom: det finns inga medel, behovsinventeringar, lägesrapporter "
                         f"eller aktiviteter för året per {on.isoformat()}.")
        document = assemble(schema_url=self.schema_url, year=year, as_of=on, parts=parts, notes=notes)
        return Composition(document=document, calls=platform.calls)

    async def _registry(self, registry: RegistryClient, on: date) -> tuple[Registry, dict[str, str]]:
        counties, rss, networks = await together(
            registry.counties(), registry.organisations_of_kind("rss", None, on),
            registry.organisations_of_kind(NATIONAL_NETWORK, None, on))
        overviews = await together(*(registry.rss_overview(rss_id, on) for rss_id in sorted(rss)))
        return (Registry(counties=counties, rss=rss,
                         overviews={o.rss.id: o for o in overviews if o is not None}),
                {n.id: n.name for n in networks.values()})

    async def _money(self, funding: FundingReader, year: int, on: date) -> Money:
        agreements, national = await together(funding.agreements(year),
                                              funding.overview(year=year, on=on, by="county"))
        counties = sorted(county for county, balance in national.groups.items() if balance.moved)
        by_county = await together(*(funding.overview(year=year, on=on, by="agreement", county=c)
                                     for c in counties))
        moved = sorted({agreement for overview in by_county for agreement, balance in overview.groups.items()
                        if balance.moved})
        checks: list[LedgerCheck] = await together(*(funding.ledger_check(a) for a in moved))
        return Money(agreements=agreements, total=national.total,
                     by_county={c: overview.groups for c, overview in zip(counties, by_county, strict=True)},
                     checks={check.agreement_id: check for check in checks})

    async def _needs(self, surveys: SurveysReader, year: int) -> Needs:
        rounds, previous = await together(surveys.needs_rounds(year), self._previous_rounds(surveys, year))
        pictures = await together(*(self._round(surveys, r) for r in rounds),
                                  *(surveys.response_rates(r.id) for r in previous))
        rates: dict[str, Rates] = {}
        nation: dict[str, NeedsPicture] = {}
        counties: dict[str, dict[str, NeedsPicture]] = {}
        for round_, picture in zip(rounds, pictures[:len(rounds)], strict=True):
            rates[round_.id], nation[round_.id], counties[round_.id] = picture  # type: ignore[misc]
        for round_, answered in zip(previous, pictures[len(rounds):], strict=True):
            rates[round_.id] = answered  # type: ignore[assignment]
        return Needs(rounds=rounds, previous_rounds=previous, rates=rates, nation=nation, counties=counties)

    @staticmethod
    async def _previous_rounds(surveys: SurveysReader, year: int) -> list[Round]:
        """The year before's rounds; none before the first year the platform keeps."""
        return await surveys.needs_rounds(year - 1) if year - 1 >= FIRST_YEAR else []

    @staticmethod
    async def _round(surveys: SurveysReader, round_: Round
                     ) -> tuple[Rates, NeedsPicture, dict[str, NeedsPicture]]:
        """A round's response rates, then its national picture and each answering county's, at once."""
        rates = await surveys.response_rates(round_.id)
        answering = sorted(county for county, rate in rates.counties.items() if rate.submitted)
        nation, *counties = await together(surveys.needs(round_.id),
                                           *(surveys.needs(round_.id, county) for county in answering))
        return rates, nation, dict(zip(answering, counties, strict=True))

