from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.funding.agreements.service import AgreementService
from services.funding.identifiers import COUNTY_CODE_PATTERN, RecordIdPath
from services.funding.ledger.schemas import BalancesOut, LedgerEntryOut, LedgerOut, OverviewOut, VerificationOut
from services.funding.ledger.service import Ledger
from shared.database import Session
from shared.identity import Caller
from shared.problems import problem_responses

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


@router.get("/agreements/{agreement_id}/ledger/verify", summary="Recompute the hash chain; report the first break")
async def verify_ledger(agreement_id: RecordIdPath, session: Session, caller: Caller) -> VerificationOut:
    return await (await _ledger_of(session, caller, agreement_id)).verify(agreement_id)


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
