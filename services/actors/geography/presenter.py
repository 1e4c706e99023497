"""How SCB's counties and municipalities are shown: one function per output schema."""

from collections.abc import Sequence

from pydantic import TypeAdapter

from services.actors.geography import schemas
from services.actors.geography.models import County, Municipality
from services.actors.geography.repository import MunicipalityRecord

# (municipality count, population, year) of a county, from its municipalities' latest published year.
CountyFigures = tuple[int, int, int]


_MUNICIPALITIES = TypeAdapter(list[schemas.Municipality])


def municipalities_out(municipalities: Sequence[MunicipalityRecord]) -> list[schemas.Municipality]:
    """The answers read straight off the records' attributes (the latest population is the record's), all in one
    validation: a page of 100 made one model at a time cost about ten times as much (docs/benchmarks.md)."""
    return _MUNICIPALITIES.validate_python(municipalities, from_attributes=True)


def municipality_out(municipality: MunicipalityRecord) -> schemas.Municipality:
    return municipalities_out([municipality])[0]


def county_summary(county: County, figures: CountyFigures | None) -> schemas.CountySummary:
    n, population, year = figures or (0, None, None)
    return schemas.CountySummary(code=county.code, name=county.name, municipality_count=n,
                                 population=population, population_year=year)


def county_out(county: County, figures: CountyFigures | None,
               municipalities: Sequence[Municipality]) -> schemas.County:
    return schemas.County(**county_summary(county, figures).model_dump(),
                          municipalities=[schemas.MunicipalitySummary.model_validate(m) for m in municipalities])
