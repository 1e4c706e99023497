"""Rounds' rules: national administrators send a published questionnaire version to a target set; a round is
open from its opening date through its closing date, or until it is closed; a county sees its own county's
non-responders, the nation every county's."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.audit.models import AuditEvent
from services.surveys.permissions import read_scope
from services.surveys.questionnaires.schemas import Item
from services.surveys.questionnaires.service import QuestionnaireService, Status
from services.surveys.rounds.models import Round, RoundTarget
from services.surveys.rounds.presenter import audit_snapshot, non_responders_out, round_out, target_out
from services.surveys.rounds.repository import RoundRepository
from services.surveys.rounds.schemas import NonRespondersOut, RoundIn, RoundOut, TargetOut
from services.surveys.rounds.targets import resolve_targets
from shared.audit import AuditTrail
from shared.authorization import require_national
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, InvalidInput, NotFound
from shared.records import utcnow
from shared.service_client import PlatformClient


class RoundService:
    def __init__(self, session: AsyncSession, caller: Principal, platform: PlatformClient | None = None) -> None:
        self.caller = caller
        self.platform = platform  # the registry, for a new round's targets
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = RoundRepository(session)
        self.questionnaires = QuestionnaireService(session, caller)

    async def out(self, round_: Round) -> RoundOut:
        return round_out(round_, await self.repository.target_count(round_.id))

    async def get(self, round_id: str) -> Round:
        round_ = await self.repository.get(round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        return round_

    async def read(self, round_id: str) -> RoundOut:
        return await self.out(await self.get(round_id))

    async def search(self, *, questionnaire_id: str | None, status: str | None, year: int | None,
                     paging: PageRequest) -> Page[RoundOut]:
        """Every key reads the rounds (a respondent finds the one it answers)."""
        rows, count = await self.repository.search(questionnaire_id=questionnaire_id, status=status, year=year,
                                                   today=date.today(), after=paging.after_key(str),
                                                   limit=paging.limit + 1)
        return paging.page([await self.out(r) for r in rows], count=count, sort_key=lambda r: [r.id])

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
            version = await self.questionnaires.get(data.questionnaire_id, data.version)
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
        await self.repository.add_with_targets(round_, [
            RoundTarget(round_id=data.id, organisation_id=t.organisation_id, name=t.name, county_code=t.county_code,
                        contact_point=t.contact_point) for t in targets])
        self.audit.record("open", "round", round_.id, county=None, after=audit_snapshot(round_, len(targets)))
        return round_out(round_, len(targets)), True

    async def close(self, round_id: str) -> RoundOut:
        require_national(self.caller, "a round")
        round_ = await self.get(round_id)
        targets = await self.repository.target_count(round_.id)
        if round_.closed_at is None:
            before = audit_snapshot(round_, targets)
            round_.closed_at = utcnow()
            await self.repository.flush()
            self.audit.record("close", "round", round_.id, county=None, before=before,
                              after=audit_snapshot(round_, targets))
        return round_out(round_, targets)

    async def targets(self, round_id: str) -> list[TargetOut]:
        """The round's target set as the caller may see it: its county's, itself, or all (national)."""
        await self.get(round_id)
        county, organisation = read_scope(self.caller)
        return [target_out(t) for t in await self.repository.targets(round_id, county, organisation)]

    async def targets_page(self, round_id: str, county: str | None, paging: PageRequest) -> Page[TargetOut]:
        """A page of the round's targets as the caller may see them; `county` narrows them further (a county
        asking for another county's sees none)."""
        await self.get(round_id)
        scope, organisation = read_scope(self.caller)
        after = paging.after_key(str)
        if scope is not None and county not in (None, scope):
            return paging.page([], count=0, sort_key=lambda t: [t.organisation_id])
        rows, count = await self.repository.targets_page(round_id, county=scope or county, organisation=organisation,
                                                         after=after, limit=paging.limit + 1)
        return paging.page([target_out(t) for t in rows], count=count, sort_key=lambda t: [t.organisation_id])

    async def non_responders(self, round_id: str, county: str | None) -> NonRespondersOut:
        await self.get(round_id)
        scope, organisation = read_scope(self.caller)
        if organisation is not None or (scope is not None and county not in (None, scope)):
            raise InvalidInput.field("query.county", "own_county", "A county system follows up its own county's "
                                     "organisations only." if scope else "A respondent follows up no one.")
        county = scope or county
        rates = await self.repository.rates(round_id, county)
        missing = await self.repository.non_responders(round_id, county)
        return non_responders_out(round_id, rates, missing)

    # What the other packages read of a round (responses, aggregates, status reports), through this service.

    async def target(self, round_id: str, organisation_id: str) -> RoundTarget | None:
        """One organisation among the round's targets (None: the round was not sent to it)."""
        return await self.repository.target(round_id, organisation_id)

    async def target_count(self, round_id: str) -> int:
        return await self.repository.target_count(round_id)

    async def every_target(self, round_id: str) -> list[RoundTarget]:
        """Every target of the round, whatever the caller's scope (a national compilation)."""
        return await self.repository.targets(round_id, None, None)

    async def rates(self, round_id: str, county: str | None = None) -> list[tuple[str | None, int, int]]:
        """(county, targets, submitted) per county, counted in the database."""
        return await self.repository.rates(round_id, county)

    async def previous(self, round_: Round) -> Round | None:
        """The round of the same questionnaire that opened last before this one."""
        return await self.repository.previous(round_)

    async def items(self, round_: Round) -> list[Item]:
        """The items of the round's questionnaire version."""
        return await self.questionnaires.items(round_.questionnaire_id, round_.version)


def _same_round(stored: Round, data: RoundIn) -> bool:
    return (stored.questionnaire_id, stored.version, stored.title, stored.opens_on, stored.closes_on) == (
        data.questionnaire_id, data.version, data.title, data.opens_on, data.closes_on)
