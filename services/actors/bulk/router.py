"""Bulk exchange for county systems: CSV imports that store all rows or none, and as-of exports.

Imports take the file itself as the request body (`Content-Type: text/csv`) or as the part `file` of a
multipart/form-data upload (UTF-8 with or without a BOM, `;` or `,` between cells, a header line first, at most
5 MB) and answer 200 with counts, or 422 listing every broken rule as `row N.column`. Exports answer the register
as it stood on `as_of`: all tables as one JSON document, or one table per CSV file (`format=csv` on the JSON
export is refused with 422 pointing to the per-table files).
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response

from services.actors.bulk.csv_format import DELIMITERS, read_csv_body, write_csv
from services.actors.bulk.export import CSV_COLUMNS, RegisterSnapshot
from services.actors.bulk.schemas import ImportResult, RegisterExport
from services.actors.bulk.service import ImportService
from services.actors.bulk.tables import MEMBERSHIPS, ORGANISATIONS, PEOPLE, POSTS, RELATIONS, ImportTable
from shared.database import Session
from shared.identity import AnyCaller, WritingCaller
from shared.pagination import public_path
from shared.periods import AsOfQuery
from shared.problems import FieldError, InvalidInput, problem_responses
from shared.uploads import FILE_PART, MULTIPART_FORM, file_part_schema


async def importing(session: Session, caller: WritingCaller) -> ImportService:
    return ImportService(session, caller)


Importer = Annotated[ImportService, Depends(importing)]

router = APIRouter(tags=["bulk exchange"], responses=problem_responses(401, 422))


def _csv_body(table: ImportTable) -> dict[str, Any]:
    example = ",".join(table.columns)
    ignored = f" The export's read-only columns ({', '.join(table.export_only)}) are ignored." \
        if table.export_only else ""
    speed = ("the rows are checked and stored as a set, several thousand a second" if table.record_set is not None
             else "each row is stored like a single POST, a few hundred a second")
    return {"requestBody": {"required": True, "description": (
        f"A CSV file, header first. Columns: {', '.join(table.columns)} (required: "
        f"{', '.join(c for c in table.columns if c in table.required)}); an empty cell is null; every row needs "
        f"its own id, so a retried import creates nothing twice.{ignored} UTF-8 with or without BOM, `;` or `,` "
        "as delimiter (detected from the header line), at most 5 MB. Each row is checked like a single POST; "
        f"{speed}; the gateway gives imports its bulk time limit "
        "(GATEWAY_BULK_TIMEOUT, 300 s by default)."),
        "content": {"text/csv": {"schema": {"type": "string"}, "example": example},
                    MULTIPART_FORM: file_part_schema("The CSV file.",
                                                     encoding={FILE_PART: {"contentType": "text/csv"}})}}}


def _import_route(table: ImportTable, summary: str) -> None:
    async def run_import(request: Request, importer: Importer, after_answer: BackgroundTasks) -> ImportResult:
        result = await importer.run(table, await read_csv_body(request), caller_gone=request.is_disconnected)
        if importer.grown is not None:  # run after the commit, once the answer has left
            after_answer.add_task(importer.refresh_statistics_later, request.app.state.engine)
        return result

    run_import.__name__ = f"import_{table.name}"
    router.post(f"/imports/{table.name}", summary=summary, openapi_extra=_csv_body(table),
                responses=problem_responses(403, 409, 413, 415))(run_import)


_import_route(ORGANISATIONS, "Import organisations from CSV: every row or none, with a row-by-row report")
_import_route(PEOPLE, "Import people from CSV: every row or none, with a row-by-row report")
_import_route(POSTS, "Import posts from CSV: every row or none, with a row-by-row report")
_import_route(MEMBERSHIPS, "Import memberships from CSV: every row or none, with a row-by-row report")
_import_route(RELATIONS, "Import relations from CSV: every row or none, with a row-by-row report")


class ExportTable(StrEnum):
    ORGANISATIONS = "organisations"
    RELATIONS = "relations"
    POSTS = "posts"
    MEMBERSHIPS = "memberships"
    PEOPLE = "people"


Delimiter = Annotated[Literal["semicolon", "comma"], Query(
    description="Cell delimiter: semicolon (Swedish Excel opens the file as it is) or comma (RFC 4180).")]


@router.get("/exports/register", response_model=RegisterExport,
            summary="The whole register as of a date: organisations, relations, posts with holders, memberships")
async def export_register(request: Request, session: Session, caller: AnyCaller, as_of: AsOfQuery = None,
                          format: Annotated[Literal["json", "csv"], Query(
                              description="json only: a CSV file holds one table, see /exports/{table}.csv")] = "json",
                          ) -> Response:
    on = as_of or date.today()
    if format == "csv":
        links = {t.value: public_path(request, f"/exports/{t.value}.csv?as_of={on}") for t in ExportTable}
        message = "One CSV file holds one table; fetch " + ", ".join(links.values()) + "."
        raise InvalidInput(message, errors=[FieldError("query.format", "one_table_per_csv", message)], csv=links)
    snapshot = await RegisterSnapshot(session, caller, on).load()
    return Response(content=snapshot.as_json().model_dump_json(), media_type="application/json")


def _export_route(table: ExportTable) -> None:
    async def run_export(session: Session, caller: AnyCaller, as_of: AsOfQuery = None,
                         delimiter: Delimiter = "semicolon") -> Response:
        on = as_of or date.today()
        snapshot = await RegisterSnapshot(session, caller, on).load(
            relations=table is ExportTable.RELATIONS,
            posts=table in (ExportTable.POSTS, ExportTable.MEMBERSHIPS, ExportTable.PEOPLE))
        body = write_csv(CSV_COLUMNS[table.value], snapshot.csv_rows(table.value), delimiter=DELIMITERS[delimiter])
        return Response(content=body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{table.value}-{on.isoformat()}.csv"'})

    run_export.__name__ = f"export_{table.value}_csv"
    router.get(f"/exports/{table.value}.csv", response_class=Response,
               summary=f"The {table.value} valid on a date as CSV (UTF-8 with BOM; import columns first)",
               responses={200: {"description": f"{', '.join(CSV_COLUMNS[table.value])}",
                                "content": {"text/csv": {"schema": {"type": "string"}}}}})(run_export)


for _table in ExportTable:
    _export_route(_table)
