"""How a code list is shown."""

from __future__ import annotations

from services.surveys.codelists.models import CodeList
from services.surveys.codelists.schemas import CodeListOut, CodeOut


def code_list_out(code_list: CodeList) -> CodeListOut:
    return CodeListOut(id=code_list.id, title=code_list.title, source=code_list.source,
                       codes=[CodeOut(code=c.code, display=c.display, properties=c.properties or {})
                              for c in code_list.codes])
