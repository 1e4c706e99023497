"""How a delivery and its attempts are answered, and what the audit trail keeps of a delivery."""

from __future__ import annotations

from typing import Any

from services.reporting.deliveries.models import Delivery, DeliveryAttempt
from services.reporting.deliveries.schemas import AttemptOut, DeliveryOut


def attempt_out(attempt: DeliveryAttempt) -> AttemptOut:
    return AttemptOut(attempt=attempt.attempt, at=attempt.at, status_code=attempt.status_code,
                      outcome=attempt.outcome, reason=attempt.reason,  # type: ignore[arg-type]
                      next_attempt_at=attempt.next_attempt_at)


def delivery_out(delivery: Delivery, attempts: list[DeliveryAttempt]) -> DeliveryOut:
    return DeliveryOut(id=delivery.id, year=delivery.year, version=delivery.version,
                       status=delivery.status, reason=delivery.reason,  # type: ignore[arg-type]
                       next_attempt_at=delivery.next_attempt_at, delivered_at=delivery.delivered_at,
                       requested_at=delivery.created_at, requested_by=delivery.created_by,
                       attempts=[attempt_out(a) for a in sorted(attempts, key=lambda a: a.attempt)])


def delivery_snapshot(delivery: Delivery) -> dict[str, Any]:
    return {"year": delivery.year, "version": delivery.version, "message_id": delivery.id,
            "status": delivery.status, "attempts": delivery.attempts, "reason": delivery.reason}
