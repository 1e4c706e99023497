from typing import Any

from sqlalchemy.orm import DeclarativeBase

from shared.database import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


def table_columns(model: Any, *names: str) -> list[Any]:
    """Plain table columns of a mapped class, for reads that want rows rather than ORM objects."""
    return [model.__table__.c[name] for name in names]
