from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
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


class Relation(ValidityMixin, VersionedMixin, Base):
    __tablename__ = "relations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    object_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reported: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str | None] = mapped_column(String(300))
