"""All SQL of questionnaires."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.surveys.questionnaires.models import QuestionnaireVersion
from shared.locks import hold


class QuestionnaireRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hold(self, questionnaire_id: str) -> None:
        """Holds the questionnaire until the transaction ends: two new versions never get one number."""
        await hold(self.session, ("questionnaires", questionnaire_id))

    async def version(self, questionnaire_id: str, version: int) -> QuestionnaireVersion | None:
        return await self.session.get(QuestionnaireVersion, (questionnaire_id, version))

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

    async def next_number(self, questionnaire_id: str) -> int:
        highest = await self.session.scalar(select(func.max(QuestionnaireVersion.version))
                                            .where(QuestionnaireVersion.questionnaire_id == questionnaire_id))
        return (highest or 0) + 1

    async def add(self, version: QuestionnaireVersion) -> None:
        self.session.add(version)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
