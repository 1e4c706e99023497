from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from services.actors.database import Base

THE_ROW = 1


class RegistryState(Base):
    """A single row. `version` grows by one in every transaction that changes the register, in that
    transaction, so a reader that sees the new data also sees the new number (and never the other way round)."""

    __tablename__ = "registry_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
