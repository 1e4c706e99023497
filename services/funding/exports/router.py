"""Exports as files for spreadsheets, per agreement and per county: the shares with what became of each, and
the ledger; `.csv` (Excel-ready: UTF-8 BOM, `;` and the decimal comma Swedish Excel reads, or `,` and the decimal
point for other tools) or `.xlsx` (amounts as numbers with two decimals)."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.funding.exports.service import (
    LEDGER_COLUMNS,
    OVERVIEW_COLUMNS,
    SHARE_COLUMNS,
    ExportService,
    Table,
)
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordIdPath
from shared.file_routes import FileFormatOfPath, file_routes
from shared.identity import Caller
from shared.problems import problem_responses
from shared.service_provider import provided
from shared.spreadsheet_export import CSV_MEDIA_TYPE, DELIMITERS, XLSX_MEDIA_TYPE, write_csv, write_xlsx

Exports = Annotated[ExportService, provided(ExportService, Caller)]
CountyPath = Annotated[str, Path(pattern=COUNTY_CODE_PATTERN)]
AsOf = Annotated[date | None, Query(description="Amounts as of this date, like the balances; default: today")]
Delimiter = Annotated[Literal["semicolon", "comma"], Query(
    description="CSV only: semicolon with a decimal comma (Swedish Excel opens the file as it is) or comma with a "
                "decimal point (RFC 4180, other tools)")]

router = APIRouter(tags=["exports"], responses=problem_responses(401, 422))


def _file(name: str, table: Table, file_format: str, delimiter: str, sheet: str | None = None) -> Response:
    columns, rows = table
    if file_format == "csv":
        body, media_type = write_csv(columns, rows, delimiter=DELIMITERS[delimiter]), CSV_MEDIA_TYPE
    else:
        body, media_type = write_xlsx({sheet or name.rsplit("-", 1)[-1]: table}), XLSX_MEDIA_TYPE
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'})


async def export_agreement_shares(agreement_id: RecordIdPath, file_format: FileFormatOfPath, exports: Exports,
                                  as_of: AsOf = None, delimiter: Delimiter = "semicolon") -> Response:
    on = as_of or date.today()
    return _file(f"{agreement_id}-{on.isoformat()}-shares",
                 await exports.shares(on, agreement_id=agreement_id), file_format, delimiter)


async def export_agreement_ledger(agreement_id: RecordIdPath, file_format: FileFormatOfPath, exports: Exports,
                                  delimiter: Delimiter = "semicolon") -> Response:
    return _file(f"{agreement_id}-ledger", await exports.ledger(agreement_id=agreement_id), file_format, delimiter)


async def export_county_shares(county_code: CountyPath, file_format: FileFormatOfPath, exports: Exports,
                               as_of: AsOf = None, delimiter: Delimiter = "semicolon") -> Response:
    on = as_of or date.today()
    return _file(f"county-{county_code}-{on.isoformat()}-shares", await exports.shares(on, county=county_code),
                 file_format, delimiter)


async def export_county_ledger(county_code: CountyPath, file_format: FileFormatOfPath, exports: Exports,
                               delimiter: Delimiter = "semicolon") -> Response:
    return _file(f"county-{county_code}-ledger", await exports.ledger(county=county_code), file_format, delimiter)


async def export_overview(file_format: FileFormatOfPath, exports: Exports, as_of: AsOf = None,
                          by: Annotated[Literal["county", "agreement", "recipient"], Query()] = "county",
                          county: Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN,
                                                              description="Only this county's money")] = None,
                          delimiter: Delimiter = "semicolon") -> Response:
    on = as_of or date.today()
    name = f"balances-{on.isoformat()}-{'county-' + county + '-' if county else ''}by-{by}"
    return _file(name, await exports.overview(on, by, county), file_format, delimiter,
                 sheet="balances")


file_routes(router, "/balances", export_overview, name="exportBalances", columns=OVERVIEW_COLUMNS,
            summary="The national overview as GET /balances answers it: one row per county (with its name), "
                    "agreement or recipient, then the total, as of a date")
file_routes(router, "/agreements/{agreement_id}/exports/shares", export_agreement_shares,
            name="exportAgreementShares", columns=SHARE_COLUMNS, responses=problem_responses(404),
            summary="An agreement's shares: each recipient's share and what it requisitioned, was paid, passed on, "
                    "reported spent, is to repay and repaid, as of a date")
file_routes(router, "/agreements/{agreement_id}/exports/ledger", export_agreement_ledger,
            name="exportAgreementLedger", columns=LEDGER_COLUMNS, responses=problem_responses(404),
            summary="An agreement's ledger: every money event in order, with its MAC")
file_routes(router, "/counties/{county_code}/exports/shares", export_county_shares, name="exportCountyShares",
            columns=SHARE_COLUMNS,
            summary="A county's shares in every agreement, with what became of each, as of a date")
file_routes(router, "/counties/{county_code}/exports/ledger", export_county_ledger, name="exportCountyLedger",
            columns=LEDGER_COLUMNS, summary="A county's ledger entries in every agreement, each agreement's in order")
