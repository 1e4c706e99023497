"""All SQL of questionnaires."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, or_, select

from services.surveys.questionnaires.models import QuestionnaireVersion
from shared.locks import hold
from shared.pagination import count_rows
from shared.repository import Repository, where_equal


class QuestionnaireRepository(Repository[QuestionnaireVersion]):
    model = QuestionnaireVersion
    noun = "questionnaire version"

    async def hold(self, questionnaire_id: str) -> None:
        """Holds the questionnaire until the transaction ends: two new versions never get one number."""
        await hold(self.session, ("questionnaires", questionnaire_id))

    async def version(self, questionnaire_id: str, version: int) -> QuestionnaireVersion | None:
        return await self.get((questionnaire_id, version))

    async def latest(self, questionnaire_id: str) -> QuestionnaireVersion | None:
        return await self.session.scalar(
            select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
            .order_by(QuestionnaireVersion.version.desc()).limit(1))

    async def search(self, *, questionnaire_id: str | None, status: str | None, after: list | None,
                     limit: int) -> tuple[Sequence[QuestionnaireVersion], int]:
        """A page of versions in (questionnaire, version) order after the cursor's (`after`)."""
        versions = QuestionnaireVersion
        query = where_equal(select(versions), (versions.questionnaire_id, questionnaire_id),
                            (versions.status, status))
        count = await count_rows(self.session, query)
        if after is not None:
            query = query.where(or_(versions.questionnaire_id > after[0],
                                    and_(versions.questionnaire_id == after[0], versions.version > after[1])))
        page = query.order_by(versions.questionnaire_id, versions.version).limit(limit)
        return (await self.session.scalars(page)).all(), count

    async def versions(self, questionnaire_id: str | None = None) -> list[QuestionnaireVersion]:
        query = select(QuestionnaireVersion).order_by(QuestionnaireVersion.questionnaire_id,
                                                      QuestionnaireVersion.version).limit(1000)
        if questionnaire_id is not None:
            query = query.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        return list((await self.session.scalars(query)).all())
