from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.actors.database import Base
from shared.records import VersionedMixin


class Person(VersionedMixin, Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    search_name: Mapped[str] = mapped_column(String(250))  # matched anywhere (LIKE %term%): no index serves it
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # The county whose system registered the person; that county (and national administrators) may change it.
    managed_by_county: Mapped[str | None] = mapped_column(ForeignKey("counties.code"))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
