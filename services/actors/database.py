from typing import Any

from sqlalchemy.orm import DeclarativeBase

from shared.database import EngineOptions, service_metadata

# Generic plans on PostgreSQL: the registry's statements are prepared (asyncpg) and its hot ones are index
# lookups whose best plan does not depend on the values, so planning them anew on each call costs more than it
# gains (docs/benchmarks.md, the representatives read). Funding and surveys keep PostgreSQL's own choice.
ENGINE_OPTIONS = EngineOptions(postgresql_settings={"plan_cache_mode": "force_generic_plan"})


class Base(DeclarativeBase):
    metadata = service_metadata()


def table_columns(model: Any, *names: str) -> list[Any]:
    """Plain table columns of a mapped class, for reads that want rows rather than ORM objects."""
    return [model.__table__.c[name] for name in names]
