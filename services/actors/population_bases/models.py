from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.actors.database import Base
from shared.records import VersionedMixin


class PopulationBasis(VersionedMixin, Base):
    """A named table of populations on a reference date: SCB's figures on a date, or the count an agreement
    states. Never changed once stored: what cites it keeps meaning the same figures."""

    __tablename__ = "population_bases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    reference_date: Mapped[date] = mapped_column(Date)
    # The one county all rows belong to (its system may store such a basis); None: the national administrators'.
    county_code: Mapped[str | None] = mapped_column(ForeignKey("counties.code"), index=True)

    rows: Mapped[list["PopulationBasisRow"]] = relationship(order_by="PopulationBasisRow.code",
                                                            cascade="all, delete-orphan")


class PopulationBasisRow(Base):
    """One population of a basis: a municipality's (its SCB code) or a registry organisation's (its id)."""

    __tablename__ = "population_basis_rows"

    basis_id: Mapped[str] = mapped_column(ForeignKey("population_bases.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
