"""How a population basis is shown: one function per output schema."""

from __future__ import annotations

from collections.abc import Mapping

from services.actors.population_bases import schemas
from services.actors.population_bases.models import PopulationBasis
from services.actors.population_bases.repository import Figures


def basis_summary(basis: PopulationBasis, figures: Figures | None) -> schemas.PopulationBasisSummary:
    total, count = figures or (0, 0)
    return schemas.PopulationBasisSummary(id=basis.id, name=basis.name, source=basis.source,
                                          reference_date=basis.reference_date, county_code=basis.county_code,
                                          total=total, row_count=count, version=basis.version)


def basis_out(basis: PopulationBasis, names: Mapping[str, str | None]) -> schemas.PopulationBasisOut:
    """`names`: the municipalities' and organisations' names by code (None: not known to the registry)."""
    rows = [schemas.BasisRowOut(code=row.code, name=names.get(row.code), population=row.population)
            for row in basis.rows]
    figures = (sum(row.population for row in basis.rows), len(basis.rows))
    return schemas.PopulationBasisOut(**basis_summary(basis, figures).model_dump(), rows=rows)


def audit_snapshot(basis: PopulationBasis) -> dict:
    return {"id": basis.id, "name": basis.name, "source": basis.source,
            "reference_date": basis.reference_date.isoformat(), "county_code": basis.county_code,
            "rows": {row.code: row.population for row in basis.rows}}
