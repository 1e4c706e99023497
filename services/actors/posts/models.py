from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.actors.database import Base
from services.actors.organisations.models import ContactChannel
from shared.records import ValidityMixin, VersionedMixin


class PostRole(StrEnum):
    ORDINARY_MEMBER = "ordinary_member"
    SUBSTITUTE = "substitute"
    CHAIR = "chair"
    CO_OPTED = "co_opted"  # may speak and propose, no vote
    CONTACT_PERSON = "contact_person"
    CONTACT_POINT = "contact_point"  # a fixed function: belongs to the organisation, not to a person
    PLATFORM_LEADER = "platform_leader"
    PROCESS_LEADER = "process_leader"
    DEVELOPMENT_LEADER = "development_leader"
    COORDINATOR = "coordinator"
    RESPONSIBLE_FOR_FUNDS = "responsible_for_funds"
    SIGNATORY = "signatory"  # authorised to sign for the organisation (firmatecknare): requisitions of state funds


class Post(ValidityMixin, VersionedMixin, Base):
    """A seat in an organisation; it exists whether or not anyone holds it."""

    __tablename__ = "posts"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    on_behalf_of_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(300))

    contacts: Mapped[list[ContactChannel]] = relationship(order_by="ContactChannel.id",
                                                          cascade="all, delete-orphan", lazy="selectin")


class Membership(ValidityMixin, VersionedMixin, Base):
    """A person holding a post for a period. One post has at most one holder at a time."""

    __tablename__ = "memberships"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
