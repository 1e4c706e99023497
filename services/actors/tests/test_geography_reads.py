"""Municipalities are read as rows (services/actors/geography/repository.py), not as ORM objects: on the shipped
register the answers are the ones the ORM objects give, municipality by municipality, in the list, filtered and
one at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services.actors.geography import schemas
from services.actors.geography.models import Municipality
from services.actors.geography.presenter import municipality_out
from services.actors.geography.repository import GeographyRepository

pytestmark = pytest.mark.anyio


def _from_orm(m: Municipality) -> schemas.Municipality:
    populations = [schemas.Population(year=p.year, population=p.population) for p in m.populations]
    latest = populations[-1] if populations else None
    return schemas.Municipality(code=m.code, name=m.name, county_code=m.county_code, county_name=m.county.name,
                                population=latest.population if latest else None,
                                population_year=latest.year if latest else None, populations=populations)


async def _orm(session: AsyncSession, *conditions: object) -> list[schemas.Municipality]:
    query = (select(Municipality).where(*conditions).order_by(Municipality.code)
             .options(selectinload(Municipality.populations), selectinload(Municipality.county)))
    return [_from_orm(m) for m in (await session.scalars(query)).all()]


async def test_the_municipality_rows_answer_what_the_orm_objects_answer(session: AsyncSession) -> None:
    repository = GeographyRepository(session)
    expected = await _orm(session)
    assert len(expected) == 290 and all(m.populations for m in expected), "the shipped SCB division"
    rows, count = await repository.municipalities(county_code=None, name=None, after=None, limit=1000)
    assert count == 290
    assert [municipality_out(r) for r in rows] == expected
    # A page after a cursor, and one filtered by county and name.
    rows, _ = await repository.municipalities(county_code=None, name=None, after=expected[99].code, limit=101)
    assert [municipality_out(r) for r in rows] == expected[100:201]
    rows, count = await repository.municipalities(county_code="20", name="fal", after=None, limit=10)
    assert [municipality_out(r) for r in rows] == [m for m in expected if m.code == "2080"] and count == 1
    for code in ("0180", "2080", "2584"):
        record = await repository.municipality(code)
        assert record is not None and municipality_out(record) == next(m for m in expected if m.code == code)
    assert await repository.municipality("9999") is None
    # Past the last one the page is empty and the count still says how many match (read on its own then).
    assert await repository.municipalities(county_code="20", name=None, after="9999", limit=10) == ([], 15)
