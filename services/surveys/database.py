from sqlalchemy.orm import DeclarativeBase

from shared.database import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()
