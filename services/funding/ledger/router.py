from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import ValidationError

from services.funding.agreements.service import AgreementService
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordIdPath
from services.funding.ledger.chain import read_receipt_token
from services.funding.ledger.schemas import (
    BalancesOut,
    Checkpoint,
    CheckpointOut,
    LedgerEntryOut,
    LedgerOut,
    OverviewOut,
    TotalsVerificationOut,
    VerificationOut,
)
from services.funding.ledger.service import Ledger
from shared.database import Session
from shared.identity import Caller
from shared.problems import InvalidInput, problem_responses

router = APIRouter(tags=["ledger"], responses=problem_responses(401, 404, 422))


async def _ledger_of(session: Session, caller: Caller, agreement_id: str) -> Ledger:
    await AgreementService(session, caller).read(agreement_id)  # 404 for an unknown agreement
    return Ledger(session)


@router.get("/agreements/{agreement_id}/ledger", summary="Every money event of an agreement, in order, with its hash")
async def get_ledger(agreement_id: RecordIdPath, session: Session, caller: Caller) -> LedgerOut:
    ledger = await _ledger_of(session, caller, agreement_id)
    entries = [LedgerEntryOut.model_validate({**{c: getattr(e, c) for c in LedgerEntryOut.model_fields
                                                 if c != "amount"}, "amount": e.amount_ore})
               for e in await ledger.entries(agreement_id)]
    return LedgerOut(agreement_id=agreement_id, entries=entries)


ReceiptToken = Annotated[str | None, Query(
    max_length=1000, pattern=r"^[A-Za-z0-9_-]+$",
    description="A receipt held outside the database: the Ledger-Receipt header of a money-moving answer, or the "
                "`receipt` of a checkpoint. Verify then also finds a chain shorter than the receipt, or rewritten "
                "below it.")]


def _receipt(token: str) -> Checkpoint:
    try:
        return Checkpoint.model_validate(read_receipt_token(token))
    except (ValueError, ValidationError) as exc:
        raise InvalidInput.field("query.receipt", "receipt_format",
                                 "Not a receipt of this ledger: the token of a Ledger-Receipt header or of a "
                                 "checkpoint's `receipt` expected.") from exc


@router.get("/agreements/{agreement_id}/ledger/verify",
            summary="Recompute the chain (MACs under the ledger key), check a receipt against it and the "
                    "agreement's running totals against its entries; report the first break")
async def verify_ledger(agreement_id: RecordIdPath, session: Session, caller: Caller,
                        receipt: ReceiptToken = None) -> VerificationOut:
    ledger = await _ledger_of(session, caller, agreement_id)
    held = ledger.read_receipt(agreement_id, _receipt(receipt)) if receipt is not None else None
    return await ledger.verify(agreement_id, held)


@router.get("/agreements/{agreement_id}/ledger/checkpoint",
            summary="The agreement's head now (position and hash), signed with the ledger key: a receipt to keep "
                    "outside the database")
async def get_checkpoint(agreement_id: RecordIdPath, session: Session, caller: Caller) -> CheckpointOut:
    return await (await _ledger_of(session, caller, agreement_id)).checkpoint(agreement_id)


@router.get("/ledger/verify", responses=problem_responses(401),
            summary="Recompute every running total (what the balances read) from the entries; report each "
                    "difference")
async def verify_totals(session: Session, caller: Caller) -> TotalsVerificationOut:
    return await Ledger(session).verify_totals()


@router.get("/agreements/{agreement_id}/balances",
            summary="Allocated, requisitioned, paid, spent, to repay and repaid, from the ledger, as of a date")
async def get_balances(agreement_id: RecordIdPath, session: Session, caller: Caller,
                       as_of: Annotated[date | None, Query(description="Default: today")] = None,
                       by: Annotated[Literal["county", "recipient"] | None, Query()] = None) -> BalancesOut:
    ledger = await _ledger_of(session, caller, agreement_id)
    return await ledger.balances(agreement_id, as_of or date.today(), by)


@router.get("/balances", summary="The national overview: allocated, requisitioned, paid, spent, to repay and "
                                 "repaid over every agreement, per county, agreement or recipient, as of a date",
            responses=problem_responses(401, 422))
async def get_overview(session: Session, caller: Caller,
                       as_of: Annotated[date | None, Query(description="Default: today")] = None,
                       by: Annotated[Literal["county", "agreement", "recipient"], Query()] = "county",
                       county: Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN,
                                                           description="Only this county's money")] = None
                       ) -> OverviewOut:
    return await Ledger(session).overview(as_of or date.today(), by, county)
