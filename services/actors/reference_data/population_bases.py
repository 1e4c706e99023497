"""SCB's shipped population years as population bases (`scb-2023-12-31`, …): the same figures as the
municipalities' populations, citable the way an agreement's own count is. Running it twice changes nothing the
second time; a shipped figure corrected in the file corrects the basis."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services.actors.population_bases.models import PopulationBasis, PopulationBasisRow
from shared.records import utcnow

POPULATION_FILE = "municipalities_population_2021_2023.csv"


def scb_basis_id(year: int) -> str:
    return f"scb-{year}-12-31"


async def load_scb_bases(session: AsyncSession, rows: list[dict[str, str]], columns: dict[str, int]) -> int:
    """One basis per year column of the shipped population file; the number of bases."""
    ids = [scb_basis_id(year) for year in columns.values()]
    stored = {b.id: b for b in await session.scalars(
        select(PopulationBasis).where(PopulationBasis.id.in_(ids)).options(selectinload(PopulationBasis.rows)))}
    for column, year in columns.items():
        figures = {row["code"]: int(row[column]) for row in rows}
        basis = stored.get(scb_basis_id(year))
        if basis is None:
            session.add(PopulationBasis(
                id=scb_basis_id(year), name=f"SCB: folkmängd per kommun 31 december {year}",
                source=f"SCB, folkmängd per kommun den 31 december {year} (the registry's shipped {POPULATION_FILE})",
                reference_date=date(year, 12, 31), county_code=None,
                rows=[PopulationBasisRow(code=code, population=population)
                      for code, population in sorted(figures.items())]))
        elif {r.code: r.population for r in basis.rows} != figures:
            kept = {r.code: r for r in basis.rows}
            for code, population in sorted(figures.items()):
                if code in kept:
                    kept[code].population = population
                else:
                    basis.rows.append(PopulationBasisRow(code=code, population=population))
            for code in set(kept) - set(figures):
                basis.rows.remove(kept[code])
            basis.updated_at = utcnow()
    await session.flush()
    return len(ids)
