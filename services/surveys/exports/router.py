from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.surveys.aggregation.router import MinimumGroup
from services.surveys.exports.service import Exports
from services.surveys.identifiers import RecordIdPath
from shared.file_routes import FileFormatOfPath, file_routes
from shared.identity import Caller
from shared.problems import problem_responses
from shared.service_provider import provided
from shared.spreadsheet_export import CSV_MEDIA_TYPE as CSV
from shared.spreadsheet_export import XLSX_MEDIA_TYPE as XLSX
from shared.spreadsheet_export import write_csv, write_xlsx

ExportsOf = Annotated[Exports, provided(Exports, Caller, MinimumGroup)]

router = APIRouter(prefix="/rounds/{round_id}/exports", tags=["exports"],
                   responses=problem_responses(401, 404, 422))


def _file(name: str, table: tuple, file_format: str) -> Response:
    header, rows = table
    body = write_csv(header, rows) if file_format == "csv" else write_xlsx({name: (header, rows)})
    return Response(body, media_type=CSV if file_format == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'})


async def export_responses(round_id: RecordIdPath, file_format: FileFormatOfPath, exports: ExportsOf) -> Response:
    return _file("responses", await exports.responses(round_id), file_format)


async def export_distribution(round_id: RecordIdPath, file_format: FileFormatOfPath, exports: ExportsOf,
                              county: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None) -> Response:
    return _file("distribution", await exports.distribution(round_id, county), file_format)


file_routes(router, "/responses", export_responses, name="exportResponses",
            summary="One row per response the caller may read, one column per item (a multiple choice: one per "
                    "option)")
file_routes(router, "/distribution", export_distribution, name="exportDistribution",
            summary="The distribution table, the same numbers as the API's (a suppressed table's counts empty, "
                    "marked in its last column)")
