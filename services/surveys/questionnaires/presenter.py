"""How a questionnaire version is shown: in full, as a line of the list, and in the audit trail."""

from __future__ import annotations

from typing import Any

from services.surveys.questionnaires.models import QuestionnaireVersion
from services.surveys.questionnaires.schemas import QuestionnaireOut, VersionSummary, items_of


def questionnaire_out(v: QuestionnaireVersion) -> QuestionnaireOut:
    return QuestionnaireOut(id=v.questionnaire_id, version=v.version, status=v.status, title=v.title,
                            description=v.description, items=items_of(v.items), created_at=v.created_at,
                            published_at=v.published_at, retired_at=v.retired_at)


def version_summary(v: QuestionnaireVersion) -> VersionSummary:
    return VersionSummary(id=v.questionnaire_id, version=v.version, status=v.status, title=v.title)


def audit_snapshot(v: QuestionnaireVersion) -> dict[str, Any]:
    """A version in the audit trail: its status and when it moved, not its items (they are the version's own,
    read at GET .../versions/{version}, and never change once published)."""
    return {"id": v.questionnaire_id, "version": v.version, "status": v.status, "title": v.title,
            "items": len(v.items), "published_at": v.published_at.isoformat() if v.published_at else None,
            "retired_at": v.retired_at.isoformat() if v.retired_at else None}
