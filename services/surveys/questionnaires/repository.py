"""All SQL of questionnaires."""

from __future__ import annotations

from sqlalchemy import select

from services.surveys.questionnaires.models import QuestionnaireVersion
from shared.locks import hold
from shared.repository import Repository


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

    async def versions(self, questionnaire_id: str | None = None) -> list[QuestionnaireVersion]:
        query = select(QuestionnaireVersion).order_by(QuestionnaireVersion.questionnaire_id,
                                                      QuestionnaireVersion.version).limit(1000)
        if questionnaire_id is not None:
            query = query.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        return list((await self.session.scalars(query)).all())
