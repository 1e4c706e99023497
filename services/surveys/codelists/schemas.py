from typing import Any

from pydantic import BaseModel


class CodeOut(BaseModel):
    code: str
    display: str
    properties: dict[str, Any] = {}


class CodeListOut(BaseModel):
    id: str
    title: str
    source: str
    codes: list[CodeOut]
