"""Matching a column against a list of ids with one bound value.

`column.in_(ids)` binds one parameter per id, and SQLAlchemy renders that list into the SQL anew on every
execution (and PostgreSQL prepares a new statement for every new length). Here the ids travel as one JSON
array, unpacked by the database (`json_array_elements_text` on PostgreSQL, `json_each` on SQLite): the SQL text
is the same whatever the list, so it is compiled and prepared once. Measured on the posts list page, whose
presenter matches three such lists (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, String, bindparam, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def in_ids(session: AsyncSession, column: Any, ids: Iterable[str]) -> Any:
    """`column IN (the ids)`, for the database the session is bound to."""
    values = bindparam(None, orjson.dumps(sorted(set(ids))).decode(), type_=String)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        # = ANY(ARRAY(...)): PostgreSQL then looks each id up by index. With IN (SELECT json_...) it guessed
        # 100 ids and hashed a whole table of 20,000 posts for six of them (docs/benchmarks.md).
        listed = select(func.json_array_elements_text(cast(values, JSON))).scalar_subquery()
        return column == func.any(func.array(listed))
    listed = select(literal_column("value")).select_from(func.json_each(values)).scalar_subquery()
    return column.in_(listed)


class in_bound_ids(FunctionElement[bool]):
    """`column IN (the ids of a JSON array bound as one named parameter)`, for statements built once and compiled
    per dialect (shared/driver_reads.py): `in_bound_ids(Organisation.id, bindparam("ids", type_=String))`, run
    with `ids=id_list_value(ids)`. Rendered as `in_ids` renders it on each database."""

    type = Boolean()
    inherit_cache = True
    name = "in_bound_ids"


def id_list_value(ids: Iterable[str]) -> str:
    """The bound value of `in_bound_ids`: the ids as one JSON array."""
    return orjson.dumps(sorted(set(ids))).decode()


@compiles(in_bound_ids)
def _in_bound_ids(element: in_bound_ids, compiler: Any, **kw: Any) -> str:
    column, values = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"{column} IN (SELECT value FROM json_each({values}))"


@compiles(in_bound_ids, "postgresql")
def _in_bound_ids_postgresql(element: in_bound_ids, compiler: Any, **kw: Any) -> str:
    column, values = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"{column} = ANY(ARRAY(SELECT json_array_elements_text(CAST({values} AS JSON))))"
