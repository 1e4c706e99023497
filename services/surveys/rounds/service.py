"""Rounds' rules: national administrators send a published questionnaire version to a target set; a round is
open from its opening date through its closing date, or until it is closed; a county sees its own county's
non-responders, the nation every county's."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.database import utcnow
from services.surveys.permissions import read_scope, require_national
from services.surveys.questionnaires.service import QuestionnaireService, Status
from services.surveys.rounds.models import Round, RoundTarget
from services.surveys.rounds.repository import RoundRepository
from services.surveys.rounds.schemas import CountyNonResponders, NonRespondersOut, RoundIn, RoundOut, TargetOut
from services.surveys.rounds.targets import resolve_targets
from shared.identity import Principal
from shared.problems import Conflict, InvalidInput, NotFound
from shared.service_client import PlatformClient


def round_status(round_: Round, today: date | None = None) -> str:
    today = today or date.today()
    if round_.closed_at is not None or today > round_.closes_on:
        return "closed"
    return "open" if today >= round_.opens_on else "scheduled"


def target_out(t: RoundTarget) -> TargetOut:
    return TargetOut(organisation_id=t.organisation_id, name=t.name, county_code=t.county_code,
                     contact_point=t.contact_point)


class RoundService:
    def __init__(self, session: AsyncSession, caller: Principal, platform: PlatformClient | None = None) -> None:
        self.session = session
        self.caller = caller
        self.platform = platform  # the registry, for a new round's targets
        self.repository = RoundRepository(session)

    async def out(self, round_: Round) -> RoundOut:
        return RoundOut(id=round_.id, questionnaire_id=round_.questionnaire_id, version=round_.version,
                        title=round_.title, opens_on=round_.opens_on, closes_on=round_.closes_on,
                        status=round_status(round_), targets=await self.repository.target_count(round_.id))

    async def get(self, round_id: str) -> Round:
        round_ = await self.repository.get(round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        return round_

    async def read(self, round_id: str) -> RoundOut:
        return await self.out(await self.get(round_id))

    async def search(self) -> list[RoundOut]:
        return [await self.out(r) for r in await self.repository.all()]

    async def create(self, data: RoundIn) -> tuple[RoundOut, bool]:
        """The round and whether it was made now: a retried create (the same id and content, say after a
        timeout that hid the first answer) answers the stored round; the same id with other content is 409."""
        require_national(self.caller, "a round")
        await self.repository.hold_new(data.id)
        if (existing := await self.repository.get(data.id)) is not None:
            if _same_round(existing, data):
                return await self.out(existing), False
            raise Conflict.field("body.id", "id_in_use", f"Round {data.id} exists with other content; choose "
                                                         "another id or send the stored content.")
        try:
            version = await QuestionnaireService(self.session, self.caller).get(data.questionnaire_id, data.version)
        except NotFound as missing:
            raise InvalidInput.field("body.questionnaire_id", "unknown_reference", missing.detail) from None
        if version.status != Status.PUBLISHED:
            raise InvalidInput.field("body.version", "published_version", f"Version {data.version} of "
                                     f"{data.questionnaire_id} is {version.status}; only a published version is sent.")
        assert self.platform is not None, "a round is created with the platform client"
        targets = await resolve_targets(self.platform, on=data.opens_on, kind=data.targets.kind,
                                        county=data.targets.county, organisation_ids=data.targets.organisation_ids)
        round_ = Round(id=data.id, questionnaire_id=data.questionnaire_id, version=data.version, title=data.title,
                       opens_on=data.opens_on, closes_on=data.closes_on, created_by=self.caller.subject)
        await self.repository.add(round_, [
            RoundTarget(round_id=data.id, organisation_id=t.organisation_id, name=t.name, county_code=t.county_code,
                        contact_point=t.contact_point) for t in targets])
        return await self.out(round_), True

    async def close(self, round_id: str) -> RoundOut:
        require_national(self.caller, "a round")
        round_ = await self.get(round_id)
        if round_.closed_at is None:
            round_.closed_at = utcnow()
            await self.repository.flush()
        return await self.out(round_)

    async def targets(self, round_id: str) -> list[TargetOut]:
        """The round's target set as the caller may see it: its county's, itself, or all (national)."""
        await self.get(round_id)
        county, organisation = read_scope(self.caller)
        return [target_out(t) for t in await self.repository.targets(round_id, county, organisation)]

    async def non_responders(self, round_id: str, county: str | None) -> NonRespondersOut:
        await self.get(round_id)
        scope, organisation = read_scope(self.caller)
        if organisation is not None or (scope is not None and county not in (None, scope)):
            raise InvalidInput.field("query.county", "own_county", "A county system follows up its own county's "
                                     "organisations only." if scope else "A respondent follows up no one.")
        county = scope or county
        rates = await self.repository.rates(round_id, county)
        missing = await self.repository.non_responders(round_id, county)
        counties = [CountyNonResponders(county_code=code, targets=targets, submitted=submitted,
                                        non_responders=[target_out(t) for t in missing if t.county_code == code])
                    for code, targets, submitted in rates]
        return NonRespondersOut(round_id=round_id, targets=sum(c.targets for c in counties),
                                submitted=sum(c.submitted for c in counties), counties=counties)


def _same_round(stored: Round, data: RoundIn) -> bool:
    return (stored.questionnaire_id, stored.version, stored.title, stored.opens_on, stored.closes_on) == (
        data.questionnaire_id, data.version, data.title, data.opens_on, data.closes_on)
