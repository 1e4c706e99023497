from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.funding.identifiers import (
    COUNTY_CODE_PATTERN,
    AgreementFilter,
    CountyFilter,
    RecipientFilter,
    RecordIdPath,
    YearFilter,
)
from services.funding.reports.schemas import (
    ClaimOut,
    OverdueReportsOut,
    RepaymentIn,
    ReportIn,
    ReportOut,
    UnpaidClaimsOut,
)
from services.funding.reports.service import ReportService
from shared.database import Session
from shared.idempotency import IdempotencyKey, once, stored
from shared.identity import Caller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

Reports = Annotated[ReportService, provided(ReportService, Caller)]
ReportWriter = Annotated[ReportService, provided(ReportService, WritingCaller)]
CountyQuery = Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN, description="One county; default: all")]

router = APIRouter(tags=["spending reports and repayment"], responses=problem_responses(401, 422))


@router.post("/reports", status_code=201, response_model=ReportOut, responses=problem_responses(403, 409),
             summary="Report what a recipient spent of a share it received; the unspent rest becomes a repayment "
                     "claim (the recipient's county; Idempotency-Key)")
async def create_report(data: ReportIn, reports: ReportWriter, session: Session, caller: WritingCaller,
                        request: Request, idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        answer = await reports.create(data)
        return stored(request, answer, status=201, path=f"/reports/{answer.id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("/reports", summary="Spending reports and their repayment claims, a page at a time")
async def list_reports(reports: Reports, paging: Paging, year: YearFilter = None, county: CountyFilter = None,
                       agreement: AgreementFilter = None, recipient: RecipientFilter = None) -> Page[ReportOut]:
    """A claim in a list shows no repayments (null): read the claim for them."""
    return await reports.search(year=year, county=county, agreement=agreement, recipient=recipient, paging=paging)


@router.get("/repayment-claims", summary="Repayment claims: amount, repaid, outstanding, a page at a time")
async def list_claims(reports: Reports, paging: Paging, year: YearFilter = None, county: CountyFilter = None,
                      agreement: AgreementFilter = None, recipient: RecipientFilter = None) -> Page[ClaimOut]:
    """A claim in a list shows no repayments (null): read the claim for them."""
    return await reports.claims(year=year, county=county, agreement=agreement, recipient=recipient, paging=paging)


@router.get("/reports/{report_id}", summary="One spending report and its repayment claim",
            responses=problem_responses(404))
async def get_report(report_id: RecordIdPath, reports: Reports) -> ReportOut:
    return await reports.read(report_id)


@router.get("/repayment-claims/{claim_id}", summary="One repayment claim: amount, repaid, outstanding",
            responses=problem_responses(404))
async def get_claim(claim_id: RecordIdPath, reports: Reports) -> ClaimOut:
    return await reports.claim(claim_id)


@router.post("/repayment-claims/{claim_id}/repayments", status_code=201, response_model=ClaimOut,
             responses=problem_responses(403, 404, 409),
             summary="Record money repaid against a claim (national administrators; Idempotency-Key)")
async def create_repayment(claim_id: RecordIdPath, data: RepaymentIn, reports: ReportWriter, session: Session,
                           caller: WritingCaller, request: Request,
                           idempotency_key: IdempotencyKey):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        return stored(request, await reports.repay(claim_id, data), status=201,
                      path=f"/repayment-claims/{claim_id}")

    return await once(request, session, caller, idempotency_key, data, run)


@router.get("/follow-up/overdue-reports", summary="Shares that received money and whose spending report is past "
                                                  "due on a date, per county or nationally")
async def list_overdue_reports(reports: Reports, county: CountyQuery = None,
                               as_of: Annotated[date | None, Query(description="Default: today")] = None
                               ) -> OverdueReportsOut:
    return await reports.overdue_reports(as_of or date.today(), county)


@router.get("/follow-up/unpaid-claims", summary="Repayment claims with money outstanding, per county or nationally")
async def list_unpaid_claims(reports: Reports, county: CountyQuery = None) -> UnpaidClaimsOut:
    return await reports.unpaid_claims(county)
