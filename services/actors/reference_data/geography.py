"""Loads the shipped SCB files into the registry. Running it twice changes nothing the second time."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.geography.models import County, Municipality, MunicipalityPopulation
from services.actors.reference_data.population_bases import POPULATION_FILE, load_scb_bases
from shared.text_search import fold_for_search

REFERENCE_DIR = Path(__file__).resolve().parent
POPULATION_COLUMNS = {"pop_2021_12_31": 2021, "pop_2022_12_31": 2022, "pop_2023_12_31": 2023}


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


async def load_geography(session: AsyncSession) -> dict[str, int]:
    counties = {c.code: c for c in (await session.scalars(select(County))).all()}
    for row in _rows("counties.csv"):
        county = counties.get(row["code"]) or County(code=row["code"])
        county.name, county.search_name = row["name"], fold_for_search(row["name"])
        session.add(county)
    await session.flush()

    municipalities = {m.code: m for m in (await session.scalars(select(Municipality))).all()}
    for row in _rows("municipalities.csv"):
        municipality = municipalities.get(row["code"]) or Municipality(code=row["code"])
        municipality.name, municipality.search_name = row["name"], fold_for_search(row["name"])
        municipality.county_code = row["county_code"]
        session.add(municipality)
    await session.flush()

    existing = {(p.municipality_code, p.year): p
                for p in (await session.scalars(select(MunicipalityPopulation))).all()}
    populations = 0
    population_rows = _rows(POPULATION_FILE)
    for row in population_rows:
        for column, year in POPULATION_COLUMNS.items():
            record = existing.get((row["code"], year)) or MunicipalityPopulation(municipality_code=row["code"],
                                                                                 year=year)
            record.population = int(row[column])
            session.add(record)
            populations += 1
    await session.flush()
    bases = await load_scb_bases(session, population_rows, POPULATION_COLUMNS)
    return {"counties": len(counties) or len(_rows("counties.csv")),
            "municipalities": len(_rows("municipalities.csv")), "populations": populations,
            "population_bases": bases}
