"""Questionnaires' rules: national administrators author them; a draft may change, a published version never
does (a change is a new version), a retired one is sent in no new round."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.audit.models import AuditEvent
from services.surveys.codelists.service import CodeLists
from services.surveys.questionnaires.definition import check_sizes, resolve_and_check
from services.surveys.questionnaires.fhir import questionnaire_resource
from services.surveys.questionnaires.models import QuestionnaireVersion
from services.surveys.questionnaires.presenter import audit_snapshot, questionnaire_out, version_summary
from services.surveys.questionnaires.repository import QuestionnaireRepository
from services.surveys.questionnaires.schemas import (
    Item,
    QuestionnaireContent,
    QuestionnaireIn,
    QuestionnaireOut,
    VersionSummary,
    items_of,
)
from services.surveys.questionnaires.workbook import WorkbookReading, read_workbook_isolated, write_workbook
from shared.audit import AuditTrail
from shared.authorization import require_national
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, InvalidInput, NotFound
from shared.records import utcnow


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


ENTITY = "questionnaire"  # an audit event's entity: the questionnaire's id; the version is in its snapshot


class QuestionnaireService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = QuestionnaireRepository(session)
        self.code_lists = CodeLists(session)

    async def search(self, *, questionnaire_id: str | None, status: str | None,
                     paging: PageRequest) -> Page[VersionSummary]:
        rows, count = await self.repository.search(questionnaire_id=questionnaire_id, status=status,
                                                   after=paging.after_keys(str, int), limit=paging.limit + 1)
        return paging.page([version_summary(v) for v in rows], count=count,
                           sort_key=lambda v: [v.id, v.version])

    async def items(self, questionnaire_id: str, version: int) -> list[Item]:
        """The items of one version, parsed (a round's questionnaire: its answers are checked against them)."""
        return items_of((await self.get(questionnaire_id, version)).items)

    async def published_versions(self, questionnaire_id: str) -> list[int]:
        """The numbers of a questionnaire's published versions, oldest first."""
        return [v.version for v in await self.repository.versions(questionnaire_id) if v.status == Status.PUBLISHED]

    async def read(self, questionnaire_id: str, version: int | None = None) -> QuestionnaireOut:
        return questionnaire_out(await self.get(questionnaire_id, version))

    async def get(self, questionnaire_id: str, version: int | None = None) -> QuestionnaireVersion:
        found = (await self.repository.latest(questionnaire_id) if version is None
                 else await self.repository.version(questionnaire_id, version))
        if found is None:
            raise NotFound(f"No questionnaire {questionnaire_id}" + (f" version {version}." if version else "."))
        return found

    async def create(self, data: QuestionnaireIn) -> QuestionnaireOut:
        require_national(self.caller, "a questionnaire")
        await self.repository.hold(data.id)
        if await self.repository.latest(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Questionnaire {data.id} exists; a change to it is a "
                                                         "new version (POST .../versions).")
        return await self._add(data.id, 1, QuestionnaireContent(**data.model_dump(exclude={"id"})))

    async def new_version(self, questionnaire_id: str, data: QuestionnaireContent) -> QuestionnaireOut:
        require_national(self.caller, "a questionnaire")
        await self.repository.hold(questionnaire_id)
        latest = await self.get(questionnaire_id)
        if latest.status == Status.DRAFT:
            raise Conflict.field("status", "one_draft_at_a_time", f"Version {latest.version} of {questionnaire_id} "
                                 "is still a draft: change it or publish it first.")
        return await self._add(questionnaire_id, latest.version + 1, data)

    async def replace_draft(self, questionnaire_id: str, version: int, data: QuestionnaireContent) -> QuestionnaireOut:
        require_national(self.caller, "a questionnaire")
        draft = await self.get(questionnaire_id, version)
        if draft.status != Status.DRAFT:
            raise Conflict.field("status", "published_is_immutable", f"Version {version} of {questionnaire_id} is "
                                 f"{draft.status}; a change is a new version.")
        items = await resolve_and_check(data.items, self.code_lists.find)
        before = audit_snapshot(draft)
        draft.title, draft.description = data.title, data.description
        draft.items = [item.model_dump(mode="json") for item in items]
        await self.repository.flush()
        self.audit.record("update", ENTITY, questionnaire_id, county=None, before=before,
                          after=audit_snapshot(draft))
        return questionnaire_out(draft)

    async def publish(self, questionnaire_id: str, version: int) -> QuestionnaireOut:
        return await self._move(questionnaire_id, version, Status.DRAFT, Status.PUBLISHED)

    async def retire(self, questionnaire_id: str, version: int) -> QuestionnaireOut:
        return await self._move(questionnaire_id, version, Status.PUBLISHED, Status.RETIRED)

    async def _move(self, questionnaire_id: str, version: int, source: Status, target: Status) -> QuestionnaireOut:
        require_national(self.caller, "a questionnaire")
        found = await self.get(questionnaire_id, version)
        if found.status == target:
            return questionnaire_out(found)
        if found.status != source:
            raise Conflict.field("status", "status_transition", f"A {found.status} version cannot be {target}.")
        if target is Status.PUBLISHED:
            check_sizes(items_of(found.items))
        before = audit_snapshot(found)
        found.status = target.value
        if target is Status.PUBLISHED:
            found.published_at = utcnow()
        else:
            found.retired_at = utcnow()
        await self.repository.flush()
        self.audit.record("publish" if target is Status.PUBLISHED else "retire", ENTITY, questionnaire_id,
                          county=None, before=before, after=audit_snapshot(found))
        return questionnaire_out(found)

    async def _add(self, questionnaire_id: str, version: int, data: QuestionnaireContent,
                   status: Status = Status.DRAFT) -> QuestionnaireOut:
        items = await resolve_and_check(data.items, self.code_lists.find)
        now = utcnow()
        stored = QuestionnaireVersion(
            questionnaire_id=questionnaire_id, version=version, status=status.value, title=data.title,
            description=data.description, items=[item.model_dump(mode="json") for item in items],
            created_by=self.caller.subject, created_at=now,
            published_at=now if status is Status.PUBLISHED else None)
        self.repository.add(stored)
        await self.repository.flush()
        # Version 1 creates the questionnaire; a later one is how a published questionnaire changes.
        self.audit.record("create" if version == 1 else "version", ENTITY, questionnaire_id, county=None,
                          after=audit_snapshot(stored))
        return questionnaire_out(stored)

    async def workbook(self, questionnaire_id: str, version: int) -> bytes:
        found = questionnaire_out(await self.get(questionnaire_id, version))
        content = QuestionnaireContent(title=found.title, description=found.description, items=found.items)
        return write_workbook(questionnaire_id, version, content, await self._code_list_ids())

    async def fhir(self, questionnaire_id: str, version: int) -> dict:
        return questionnaire_resource(questionnaire_out(await self.get(questionnaire_id, version)))

    async def import_workbook(self, questionnaire_id: str, body: bytes,
                              reading: WorkbookReading) -> QuestionnaireOut:
        """A workbook as a new draft: version 1 of a new questionnaire, or the next version of an existing one."""
        require_national(self.caller, "a questionnaire")
        read = await read_workbook_isolated(body, await self._code_list_ids(), reading)
        try:
            if await self.repository.latest(questionnaire_id) is None:
                return await self.create(QuestionnaireIn(id=questionnaire_id, **read.content.model_dump()))
            return await self.new_version(questionnaire_id, read.content)
        except InvalidInput as refused:
            raise read.located(refused) from None

    async def replace_from_workbook(self, questionnaire_id: str, version: int, body: bytes,
                                    reading: WorkbookReading) -> QuestionnaireOut:
        require_national(self.caller, "a questionnaire")
        read = await read_workbook_isolated(body, await self._code_list_ids(), reading)
        try:
            return await self.replace_draft(questionnaire_id, version, read.content)
        except InvalidInput as refused:
            raise read.located(refused) from None

    async def _code_list_ids(self) -> set[str]:
        return {c.id for c in await self.code_lists.search()}

    async def ship(self, versions: list[QuestionnaireIn]) -> int:
        """A shipped template's versions (oldest first) that the database does not have yet, each published as
        the questionnaire's next version (setup); how many were added. The versions setup stored before are those
        it created, so a version a national administrator made in between keeps its number and the shipped one
        follows it; a stored version is never changed."""
        questionnaire_id = versions[0].id
        await self.repository.hold(questionnaire_id)
        stored = await self.repository.versions(questionnaire_id)
        shipped_before = sum(1 for v in stored if v.created_by == self.caller.subject)
        number = max((v.version for v in stored), default=0)
        for data in versions[shipped_before:]:
            number += 1
            await self._add(questionnaire_id, number, QuestionnaireContent(**data.model_dump(exclude={"id"})),
                            Status.PUBLISHED)
        return max(0, len(versions) - shipped_before)
