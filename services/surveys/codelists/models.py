from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.surveys.database import Base


class CodeList(Base):
    """A list of answer options questionnaires share: focus areas, processes, mission areas, levels."""

    __tablename__ = "code_lists"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    codes: Mapped[list["Code"]] = relationship(lazy="selectin", order_by="Code.position",
                                               cascade="all, delete-orphan")


class Code(Base):
    __tablename__ = "codes"

    code_list_id: Mapped[str] = mapped_column(ForeignKey("code_lists.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    display: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
