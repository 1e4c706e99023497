from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.database import Base
from shared.records import utcnow


class CoFinancingAgreement(Base):
    """A region's and its municipalities' agreement to share a cost: what was agreed and what it comes to."""

    __tablename__ = "co_financing_agreements"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(2), index=True)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)  # the request as agreed
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)  # the split as computed then (populations of that day)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
