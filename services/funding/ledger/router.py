from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordIdPath
from services.funding.ledger.schemas import (
    BalancesOut,
    CheckpointOut,
    LedgerOut,
    OverviewOut,
    TotalsVerificationOut,
    VerificationOut,
)
from services.funding.ledger.service import LedgerService
from shared.identity import Caller
from shared.problems import problem_responses
from shared.service_provider import provided

LedgerReader = Annotated[LedgerService, provided(LedgerService, Caller)]

router = APIRouter(tags=["ledger"], responses=problem_responses(401, 404, 422))


@router.get("/agreements/{agreement_id}/ledger", summary="Every money event of an agreement, in order, with its hash")
async def get_ledger(agreement_id: RecordIdPath, ledger: LedgerReader) -> LedgerOut:
    return await ledger.entries(agreement_id)


ReceiptToken = Annotated[str | None, Query(
    max_length=1000, pattern=r"^[A-Za-z0-9_-]+$",
    description="A receipt held outside the database: the Ledger-Receipt header of a money-moving answer, or the "
                "`receipt` of a checkpoint. Verify then also finds a chain shorter than the receipt, or rewritten "
                "below it.")]


@router.get("/agreements/{agreement_id}/ledger/verify",
            summary="Recompute the chain (MACs under the ledger key), check a receipt against it and the "
                    "agreement's running totals against its entries; report the first break")
async def verify_ledger(agreement_id: RecordIdPath, ledger: LedgerReader,
                        receipt: ReceiptToken = None) -> VerificationOut:
    return await ledger.verify(agreement_id, receipt)


@router.get("/agreements/{agreement_id}/ledger/checkpoint",
            summary="The agreement's head now (position and hash), signed with the ledger key: a receipt to keep "
                    "outside the database")
async def get_checkpoint(agreement_id: RecordIdPath, ledger: LedgerReader) -> CheckpointOut:
    return await ledger.checkpoint(agreement_id)


@router.get("/ledger/verify", responses=problem_responses(401),
            summary="Recompute every running total (what the balances read) from the entries; report each "
                    "difference")
async def verify_totals(ledger: LedgerReader) -> TotalsVerificationOut:
    return await ledger.verify_totals()


@router.get("/agreements/{agreement_id}/balances",
            summary="Allocated, requisitioned, paid, spent, to repay and repaid, from the ledger, as of a date")
async def get_balances(agreement_id: RecordIdPath, ledger: LedgerReader,
                       as_of: Annotated[date | None, Query(description="Default: today")] = None,
                       by: Annotated[Literal["county", "recipient"] | None, Query()] = None) -> BalancesOut:
    return await ledger.balances(agreement_id, as_of or date.today(), by)


@router.get("/balances", summary="The national overview: allocated, requisitioned, paid, spent, to repay and "
                                 "repaid over every agreement, per county, agreement or recipient, as of a date, "
                                 "of one year's funding lines or all",
            responses=problem_responses(401, 422))
async def get_overview(ledger: LedgerReader,
                       as_of: Annotated[date | None, Query(description="Default: today")] = None,
                       by: Annotated[Literal["county", "agreement", "recipient"], Query()] = "county",
                       county: Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN,
                                                           description="Only this county's money")] = None,
                       year: Annotated[int | None, Query(ge=2000, le=2100,
                                                         description="Only the money of this year's funding lines "
                                                                     "(their allocations, requisitions, reports and "
                                                                     "repayments)")] = None
                       ) -> OverviewOut:
    return await ledger.overview(as_of or date.today(), by, county, year)
