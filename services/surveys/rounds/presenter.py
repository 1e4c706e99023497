"""How a round is shown: the round, its targets, its non-responders per county, and in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.surveys.rounds.models import Round, RoundTarget
from services.surveys.rounds.schemas import CountyNonResponders, NonRespondersOut, RoundOut, TargetOut
from services.surveys.rounds.status import round_status


def round_out(round_: Round, targets: int) -> RoundOut:
    """`targets`: how many organisations the round was sent to."""
    return RoundOut(id=round_.id, questionnaire_id=round_.questionnaire_id, version=round_.version,
                    title=round_.title, opens_on=round_.opens_on, closes_on=round_.closes_on,
                    status=round_status(round_), targets=targets)


def target_out(t: RoundTarget) -> TargetOut:
    return TargetOut(organisation_id=t.organisation_id, name=t.name, county_code=t.county_code,
                     contact_point=t.contact_point)


def non_responders_out(round_id: str, rates: Sequence[tuple[str | None, int, int]],
                       missing: Sequence[RoundTarget]) -> NonRespondersOut:
    """`rates`: (county, targets, submitted) per county; `missing`: the targets that have not submitted."""
    counties = [CountyNonResponders(county_code=code, targets=targets, submitted=submitted,
                                    non_responders=[target_out(t) for t in missing if t.county_code == code])
                for code, targets, submitted in rates]
    return NonRespondersOut(round_id=round_id, targets=sum(c.targets for c in counties),
                            submitted=sum(c.submitted for c in counties), counties=counties)


def audit_snapshot(round_: Round, targets: int) -> dict[str, Any]:
    return {"id": round_.id, "questionnaire_id": round_.questionnaire_id, "version": round_.version,
            "title": round_.title, "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(), "targets": targets,
            "closed_at": round_.closed_at.isoformat() if round_.closed_at else None}
