from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.actors.database import Base


class County(Base):
    __tablename__ = "counties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    search_name: Mapped[str] = mapped_column(String(100), index=True)

    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="county",
                                                                order_by="Municipality.code")


class Municipality(Base):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    search_name: Mapped[str] = mapped_column(String(100), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.code"), index=True)

    county: Mapped[County] = relationship(back_populates="municipalities")
    populations: Mapped[list["MunicipalityPopulation"]] = relationship(
        order_by="MunicipalityPopulation.year", cascade="all, delete-orphan")


class MunicipalityPopulation(Base):
    """Population on 31 December of `year`, as published by SCB."""

    __tablename__ = "municipality_populations"

    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
