from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from services.actors.database import Base
from shared.records import ValidityMixin, VersionedMixin


class RelationKind(StrEnum):
    """Read as "subject KIND object": municipality-2080 part_of county-20."""

    PART_OF = "part_of"
    MEMBER_OF = "member_of"
    OWNER_OF = "owner_of"
    HOSTS = "hosts"
    EMPLOYER_OF = "employer_of"
    FUNDS = "funds"
    GOVERNS = "governs"
    SUCCESSOR_OF = "successor_of"


class Evidence(StrEnum):
    """How a relation's or a name's bounds are known (see the reference data's README)."""

    EXACT = "exact"  # to the day
    MONTH = "month"  # the first of the month stands for a bound known to the month
    YEAR = "year"  # 1 January stands for a bound known to the year
    ATTESTED = "attested"  # sources only say it held in a year or on a date; the bounds were inferred


class Relation(ValidityMixin, VersionedMixin, Base):
    __tablename__ = "relations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    object_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reported: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str | None] = mapped_column(String(300))
    evidence: Mapped[str | None] = mapped_column(String(10))
    attested: Mapped[str | None] = mapped_column(String(200))  # comma-separated years or dates
    joint: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    # An attested-only relation is unknown from this day (the day after its last attestation) until it is
    # confirmed; relations/validity.py is the rule.
    attested_until: Mapped[date | None] = mapped_column(Date)
    confirmed_from: Mapped[date | None] = mapped_column(Date)  # known again from this day until it ends
