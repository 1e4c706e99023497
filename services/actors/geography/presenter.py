"""How SCB's counties and municipalities are shown: one function per output schema."""

from collections.abc import Sequence

from services.actors.geography import schemas
from services.actors.geography.models import County, Municipality
from services.actors.geography.repository import MunicipalityRecord

# (municipality count, population, year) of a county, from its municipalities' latest published year.
CountyFigures = tuple[int, int, int]


def municipality_out(municipality: MunicipalityRecord) -> schemas.Municipality:
    populations = [schemas.Population(year=p.year, population=p.population) for p in municipality.populations]
    latest = populations[-1] if populations else None
    return schemas.Municipality(code=municipality.code, name=municipality.name,
                                county_code=municipality.county_code, county_name=municipality.county_name,
                                population=latest.population if latest else None,
                                population_year=latest.year if latest else None, populations=populations)


def county_summary(county: County, figures: CountyFigures | None) -> schemas.CountySummary:
    n, population, year = figures or (0, None, None)
    return schemas.CountySummary(code=county.code, name=county.name, municipality_count=n,
                                 population=population, population_year=year)


def county_out(county: County, figures: CountyFigures | None,
               municipalities: Sequence[Municipality]) -> schemas.County:
    return schemas.County(**county_summary(county, figures).model_dump(),
                          municipalities=[schemas.MunicipalitySummary.model_validate(m) for m in municipalities])
