from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.actors.database import Base
from shared.records import ValidityMixin, VersionedMixin


class OrganisationKind(StrEnum):
    COUNTY = "county"
    MUNICIPALITY = "municipality"
    REGION = "region"
    RSS = "rss"
    MUNICIPAL_ASSOCIATION = "municipal_association"
    LOCAL_FEDERATION = "local_federation"
    REGIONAL_ASSOCIATION = "regional_association"
    RD_UNIT = "rd_unit"
    UNIVERSITY = "university"
    NATIONAL_BODY = "national_body"
    GOVERNMENT_AGENCY = "government_agency"
    NATIONAL_NETWORK = "national_network"
    STEERING_GROUP = "steering_group"
    REFERENCE_GROUP = "reference_group"
    WORKING_COMMITTEE = "working_committee"
    USER_ORGANISATION = "user_organisation"
    PRIVATE_PROVIDER = "private_provider"
    OTHER = "other"


GROUP_KINDS = frozenset({OrganisationKind.STEERING_GROUP, OrganisationKind.REFERENCE_GROUP,
                         OrganisationKind.WORKING_COMMITTEE, OrganisationKind.NATIONAL_NETWORK})


class IdentifierScheme(StrEnum):
    SCB_COUNTY = "scb_county"
    SCB_MUNICIPALITY = "scb_municipality"
    ORG_NUMBER = "org_number"


class ContactKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    WEB = "web"
    POSTAL_ADDRESS = "postal_address"


class Organisation(ValidityMixin, VersionedMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("counties.code"), index=True)
    note: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str | None] = mapped_column(String(300))

    names: Mapped[list["OrganisationName"]] = relationship(
        order_by="OrganisationName.position", cascade="all, delete-orphan", lazy="selectin")
    identifiers: Mapped[list["OrganisationIdentifier"]] = relationship(
        order_by="OrganisationIdentifier.id", cascade="all, delete-orphan", lazy="selectin")
    contacts: Mapped[list["ContactChannel"]] = relationship(
        order_by="ContactChannel.id", cascade="all, delete-orphan", lazy="selectin")


class OrganisationName(ValidityMixin, Base):
    """One name for one period; a rename ends one name and starts the next on the same day."""

    __tablename__ = "organisation_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    search_name: Mapped[str] = mapped_column(String(300))  # matched anywhere (LIKE %term%): no index serves it
    evidence: Mapped[str | None] = mapped_column(String(10))  # exact, month or year (Evidence)


class OrganisationIdentifier(ValidityMixin, Base):
    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(30))


class ContactChannel(Base):
    """A way to reach an organisation or a post (a "fixed function" that outlives whoever holds it)."""

    __tablename__ = "contact_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    post_id: Mapped[str | None] = mapped_column(ForeignKey("posts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(300))
    label: Mapped[str | None] = mapped_column(String(100))
