from sqlalchemy.orm import DeclarativeBase

from shared.database import service_metadata
from shared.idempotency import idempotency_table


class Base(DeclarativeBase):
    metadata = service_metadata()


# Answers of POSTs that record an activity, kept for their Idempotency-Key (shared.idempotency).
idempotency_keys = idempotency_table(Base.metadata)
