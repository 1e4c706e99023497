"""All SQL of a bulk import that writes in sets: multi-row INSERTs and fresh planner statistics afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

INSERT_BATCH = 2000  # rows per execute; SQLAlchemy sends them as multi-row INSERTs ("insertmanyvalues")


async def insert_rows(session: AsyncSession, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows of plain values, every row with the same keys; the columns left out take their defaults. Core
    statements on the table: the ORM's bulk path would cost more per row than the database does."""
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(table), rows[start:start + INSERT_BATCH])


GROWTH_WORTH_ANALYZING = 10  # an import that adds at least a tenth of a table's rows refreshes its statistics


async def refresh_statistics(session: AsyncSession, models: list[type], created: int) -> None:
    """ANALYZE on PostgreSQL: a table that grew from a few rows to many within one import is otherwise planned
    as the small table autovacuum last saw (measured: a 100,000-row import slowed to a quarter once the table
    was large). Inside the import's transaction, whose own new rows ANALYZE counts. Only where the import grew
    the table by a tenth or more: 1,000 rows into a 100,000-row table leave its plans as they were, and ANALYZE
    of the large table cost more than the import itself. SQLite plans by index."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__  # type: ignore[attr-defined]
        known = (await session.execute(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
                                       {"name": name})).scalar()
        if known is None or known < 0 or created * GROWTH_WORTH_ANALYZING >= known:
            await session.execute(text(f'ANALYZE "{name}"'))
