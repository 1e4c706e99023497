"""Exports as files for spreadsheets (shared.spreadsheet_export): a round's responses and distribution, and a
reporting year's status-report compilation; `.csv` (UTF-8 BOM, `;` with the decimal comma Swedish Excel reads,
or `?delimiter=comma` with the decimal point for other tools) or `.xlsx` (typed cells, the items' texts over
their linkIds, an autofilter)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.surveys.aggregation.router import MinimumGroup
from services.surveys.exports.service import Exports, Table
from services.surveys.identifiers import RecordIdPath
from shared.file_routes import FileFormatOfPath, file_routes
from shared.identity import Caller
from shared.problems import problem_responses
from shared.service_provider import provided
from shared.spreadsheet_export import CSV_MEDIA_TYPE, DELIMITERS, XLSX_MEDIA_TYPE, write_csv, write_xlsx

ExportsOf = Annotated[Exports, provided(Exports, Caller, MinimumGroup)]
YearPath = Annotated[int, Path(ge=2000, le=2100)]
Delimiter = Annotated[Literal["semicolon", "comma"], Query(
    description="CSV only: semicolon with a decimal comma and ja/nej (Swedish Excel opens the file as it is) or "
                "comma with a decimal point and true/false (RFC 4180, other tools)")]

router = APIRouter(tags=["exports"], responses=problem_responses(401, 404, 422))


def _file(name: str, table: Table, file_format: str, delimiter: str) -> Response:
    header, rows = table
    if file_format == "csv":
        body, media_type = write_csv(header, rows, delimiter=DELIMITERS[delimiter]), CSV_MEDIA_TYPE
    else:
        body, media_type = write_xlsx({name.rsplit("-", 1)[-1]: (header, rows)}), XLSX_MEDIA_TYPE
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'})


async def export_responses(round_id: RecordIdPath, file_format: FileFormatOfPath, exports: ExportsOf,
                           delimiter: Delimiter = "semicolon") -> Response:
    return _file(f"{round_id}-responses", await exports.responses(round_id), file_format, delimiter)


async def export_distribution(round_id: RecordIdPath, file_format: FileFormatOfPath, exports: ExportsOf,
                              county: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
                              delimiter: Delimiter = "semicolon") -> Response:
    return _file(f"{round_id}-distribution", await exports.distribution(round_id, county), file_format, delimiter)


async def export_compilation(year: YearPath, file_format: FileFormatOfPath, exports: ExportsOf,
                             delimiter: Delimiter = "semicolon") -> Response:
    return _file(f"status-reports-{year}-compilation", await exports.compilation(year), file_format, delimiter)


file_routes(router, "/rounds/{round_id}/exports/responses", export_responses, name="exportResponses",
            summary="One row per response the caller may read, one column per item headed by its text over its "
                    "linkId (a multiple choice: one per option)")
file_routes(router, "/rounds/{round_id}/exports/distribution", export_distribution, name="exportDistribution",
            summary="The distribution table, the same numbers as the API's (a suppressed table's counts empty, "
                    "marked in its last column)")
file_routes(router, "/status-reports/{year}/exports/compilation", export_compilation, name="exportCompilation",
            responses=problem_responses(403),
            summary="A reporting year's compilation: one row per county (or RSS) with its status, decision, "
                    "signatories and answers, as GET /status-reports/{year} lists them")
