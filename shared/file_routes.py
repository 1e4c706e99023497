"""A table served as a file in two formats: one operation per format (`….csv` and `….xlsx`), each declaring
exactly the media type it answers, so OpenAPI clients read a CSV as text and an XLSX as bytes. (One operation
with a `{file_format}` path parameter declares both types for one answer, and generated clients then read an
XLSX workbook as text.)

    file_routes(router, "/agreements/{agreement_id}/exports/shares", export_agreement_shares,
                name="exportAgreementShares", summary="…", columns=SHARE_COLUMNS)

registers `GET …/shares.csv` (operation `exportAgreementSharesCsv`) and `GET …/shares.xlsx`
(`exportAgreementSharesXlsx`) for one endpoint, which reads its format with the `FileFormatOfPath` dependency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.spreadsheet_export import XLSX_MEDIA_TYPE

FORMATS: dict[str, tuple[str, dict[str, str]]] = {
    "csv": ("text/csv", {"type": "string"}),
    "xlsx": (XLSX_MEDIA_TYPE, {"type": "string", "format": "binary"}),
}


def _file_format(request: Request) -> Literal["csv", "xlsx"]:
    return "xlsx" if request.url.path.endswith(".xlsx") else "csv"


FileFormatOfPath = Annotated[Literal["csv", "xlsx"], Depends(_file_format)]


def file_routes(router: APIRouter, path: str, endpoint: Callable[..., Any], *, name: str, summary: str,
                columns: Sequence[str] | None = None, formats: Sequence[str] = ("csv", "xlsx"),
                responses: dict[int | str, dict[str, Any]] | None = None) -> None:
    for file_format in formats:
        media_type, schema = FORMATS[file_format]
        described = {"description": f"A {file_format.upper()} file"
                                    + (": columns " + ", ".join(columns) if columns else ""),
                     "content": {media_type: {"schema": schema}}}
        router.add_api_route(f"{path}.{file_format}", endpoint, methods=["GET"], response_class=Response,
                             summary=summary, operation_id=f"{name}{file_format.capitalize()}",
                             responses={200: described, **(responses or {})})
