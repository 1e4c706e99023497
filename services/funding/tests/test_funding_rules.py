"""Funding's rules, called in-process on the services with a caller, each test in a rolled-back transaction:
requisitions never exceed their share and a rejection gives the amount back; a requisition's steps, each by whom
may take it and each in the audit trail; a distribution passes on only what its share received; a spending
report makes the unspent money a claim, and a repayment is never dated before its claim; a co-financing year's
parts sum exactly to its cost. The registry is a fake of its client (registry_fake.py)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.schemas import AgreementIn, AgreementOut
from services.funding.agreements.service import AgreementService
from services.funding.allocation.distribution import DistributionService
from services.funding.allocation.schemas import AllocationCreate, AllocationOut
from services.funding.allocation.service import AllocationService
from services.funding.audit.repository import AuditRepository
from services.funding.cofinancing.split import Member, Party, split_year, two_way, unit_of
from services.funding.registry import Registry
from services.funding.reports.schemas import RepaymentIn, ReportIn
from services.funding.reports.service import ReportService
from services.funding.requisitions.schemas import RequisitionIn, RequisitionOut, StepIn
from services.funding.requisitions.service import RequisitionService
from services.funding.tests.registry_fake import DALARNA, SIGNATORIES, STOCKHOLM, FakeRegistryClient
from shared.identity import Principal, Role
from shared.problems import Conflict, Forbidden, InvalidInput, ProblemError

ADMIN = Principal(subject="skr-admin", role=Role.NATIONAL_ADMIN)
DALARNA_SYSTEM = Principal(subject="county-20-system", role=Role.COUNTY, county_code="20")
STOCKHOLM_SYSTEM = Principal(subject="county-01-system", role=Role.COUNTY, county_code="01")
KRONOR = 100  # öre

pytestmark = pytest.mark.anyio


def registry() -> Registry:
    return Registry(FakeRegistryClient())  # type: ignore[arg-type]


def rule_of(refusal: pytest.ExceptionInfo[ProblemError]) -> tuple[str | None, str]:
    error = refusal.value.errors[0]
    return error.field, error.rule


async def create_agreement(session: AsyncSession, *, total: str = "2000000.00") -> AgreementOut:
    year = date.today().year
    answer, _ = await AgreementService(session, ADMIN).create(AgreementIn.model_validate({
        "id": "rss-dalarna", "name": "Stöd till RSS", "registry_number": "S2026/0001", "first_year": year,
        "last_year": year, "areas": ["rss"],
        "lines": [{"id": "rss-dalarna-line", "area": "rss", "year": year, "total": total, "allocation_key": "equal",
                   "requisition_last_date": "2099-06-30", "report_due_date": "2099-12-31"}]}))
    return answer


async def allocate_to_regions(session: AsyncSession, *, total: str = "2000000.00") -> AllocationOut:
    """An allocation giving Region Dalarna and Region Stockholm half of `total` each."""
    agreement = await create_agreement(session, total=total)
    return await AllocationService(session, ADMIN, registry()).create(
        agreement.id, agreement.lines[0].id, AllocationCreate.model_validate({
            "id": "regions", "total": total, "key": "equal",
            "recipients": [{"id": DALARNA.id}, {"id": STOCKHOLM.id}]}))


async def requisition(session: AsyncSession, allocation: AllocationOut, *, requisition_id: str, amount: str,
                      submit: bool = True) -> RequisitionOut:
    """Dalarna's county system requisitions from Region Dalarna's share."""
    return await RequisitionService(session, DALARNA_SYSTEM, registry()).create(RequisitionIn.model_validate({
        "id": requisition_id, "allocation_id": allocation.id, "recipient_id": DALARNA.id, "amount": amount,
        "signed_by": SIGNATORIES[DALARNA.id][0], "submit": submit}))


async def step(session: AsyncSession, caller: Principal, requisition_id: str, name: str,
               **body: str) -> RequisitionOut:
    return await RequisitionService(session, caller, registry()).transition(
        requisition_id, name, StepIn.model_validate(body) if body else None)


async def paid(session: AsyncSession, allocation: AllocationOut, *, amount: str) -> RequisitionOut:
    """Region Dalarna requisitions `amount` and the agency approves and pays it."""
    await requisition(session, allocation, requisition_id="paid-" + amount.replace(".", "-"), amount=amount)
    await step(session, ADMIN, "paid-" + amount.replace(".", "-"), "approve")
    return await step(session, ADMIN, "paid-" + amount.replace(".", "-"), "pay")


async def test_requisitions_never_exceed_the_share_and_a_rejection_gives_the_amount_back(session):
    allocation = await allocate_to_regions(session)
    first = await requisition(session, allocation, requisition_id="first", amount="600000.00")
    assert (first.status, first.remaining_after) == ("submitted", 400_000 * KRONOR)

    with pytest.raises(Conflict) as refused:
        await requisition(session, allocation, requisition_id="too-much", amount="500000.00")
    assert rule_of(refused) == ("body.amount", "within_remaining_allocation")
    draft = await requisition(session, allocation, requisition_id="draft", amount="400000.00", submit=False)
    assert (draft.status, draft.remaining_after) == ("draft", 0)  # a draft reserves its amount too

    rejected = await step(session, ADMIN, "first", "reject", reason="Underlag saknas")
    assert (rejected.status, rejected.reason) == ("rejected", "Underlag saknas")
    again = await requisition(session, allocation, requisition_id="again", amount="600000.00")
    assert again.remaining_after == 0


async def test_a_requisition_is_submitted_approved_and_paid_each_step_by_whom_may_and_in_the_trail(session):
    allocation = await allocate_to_regions(session)
    await requisition(session, allocation, requisition_id="steps", amount="100000.00", submit=False)

    with pytest.raises(Conflict) as refused:
        await step(session, ADMIN, "steps", "pay")
    assert rule_of(refused) == ("status", "status_transition")
    with pytest.raises(Forbidden):
        await step(session, STOCKHOLM_SYSTEM, "steps", "submit")
    assert (await step(session, DALARNA_SYSTEM, "steps", "submit")).status == "submitted"
    with pytest.raises(Forbidden):
        await step(session, DALARNA_SYSTEM, "steps", "approve")
    assert (await step(session, ADMIN, "steps", "approve")).status == "approved"
    done = await step(session, ADMIN, "steps", "pay")
    assert (done.status, done.paid_on) == ("paid", date.today())

    events, _ = await AuditRepository(session).search(county_code="20", entity_type="requisition",
                                                      entity_id="steps", actor=None, after=None, limit=10)
    assert [(e.actor, e.action, e.county_code) for e in events] == [
        ("county-20-system", "create", "20"), ("county-20-system", "submit", "20"), ("skr-admin", "approve", "20"),
        ("skr-admin", "pay", "20")]
    assert (events[-1].before["status"], events[-1].after["status"]) == ("approved", "paid")
    assert events[-1].after["amount_ore"] == 100_000 * KRONOR
    stockholms, _ = await AuditRepository(session).search(county_code="01", entity_type="requisition",
                                                          entity_id="steps", actor=None, after=None, limit=10)
    assert list(stockholms) == []
    made, _ = await AuditRepository(session).search(county_code=None, entity_type="allocation",
                                                   entity_id=allocation.id, actor=None, after=None, limit=10)
    assert [(e.action, e.county_code) for e in made] == [("allocate", None)]  # two counties' shares: national


async def test_a_distribution_passes_on_only_what_its_share_received(session):
    allocation = await allocate_to_regions(session)
    await paid(session, allocation, amount="300000.00")
    distributor = DistributionService(session, DALARNA_SYSTEM, registry())

    def onward(distribution_id: str, total: str, *codes: str) -> AllocationCreate:
        return AllocationCreate.model_validate({"id": distribution_id, "total": total, "key": "equal",
                                                "recipients": [{"id": code} for code in codes]})

    with pytest.raises(Conflict) as refused:
        await distributor.distribute(allocation.id, DALARNA.id, onward("too-much", "300000.01", "2080", "2081"))
    assert rule_of(refused) == ("body.total", "within_received")
    with pytest.raises(InvalidInput) as elsewhere:
        await distributor.distribute(allocation.id, DALARNA.id, onward("solna", "1000.00", "2080", "0184"))
    assert rule_of(elsewhere) == ("body.recipients.1.id", "within_county")

    passed_on = await distributor.distribute(allocation.id, DALARNA.id,
                                             onward("falun-borlange", "200000.00", "2080", "2081"))
    assert (passed_on.sum, passed_on.county_code) == (200_000 * KRONOR, "20")
    assert [s.amount for s in passed_on.shares] == [100_000 * KRONOR, 100_000 * KRONOR]
    with pytest.raises(Conflict) as spent:
        await distributor.distribute(allocation.id, DALARNA.id, onward("more", "100000.01", "2082"))
    assert rule_of(spent) == ("body.total", "within_received")
    made, _ = await AuditRepository(session).search(county_code="20", entity_type="allocation",
                                                   entity_id="falun-borlange", actor=None, after=None, limit=10)
    assert [(e.actor, e.action) for e in made] == [("county-20-system", "distribute")]


async def test_unspent_money_becomes_a_claim_and_a_repayment_is_never_dated_before_it(session):
    allocation = await allocate_to_regions(session)
    await paid(session, allocation, amount="300000.00")

    with pytest.raises(InvalidInput) as overspent:
        await ReportService(session, DALARNA_SYSTEM).create(ReportIn.model_validate({
            "id": "over", "allocation_id": allocation.id, "recipient_id": DALARNA.id, "spent": "300000.01"}))
    assert rule_of(overspent) == ("body.spent", "within_received")
    report = await ReportService(session, DALARNA_SYSTEM).create(ReportIn.model_validate({
        "id": "report", "allocation_id": allocation.id, "recipient_id": DALARNA.id, "spent": "200000.00"}))
    claim = report.repayment_claim
    assert claim is not None
    assert (report.received, report.unspent, claim.amount, claim.claimed_on) == (
        300_000 * KRONOR, 100_000 * KRONOR, 100_000 * KRONOR, date.today())

    agency = ReportService(session, ADMIN)
    with pytest.raises(InvalidInput) as early:
        await agency.repay(claim.id, RepaymentIn.model_validate({
            "id": "early", "amount": "1000.00", "repaid_on": (date.today() - timedelta(days=1)).isoformat()}))
    assert rule_of(early) == ("body.repaid_on", "not_before_claim")
    with pytest.raises(Conflict) as too_much:
        await agency.repay(claim.id, RepaymentIn.model_validate({"id": "too-much", "amount": "100000.01"}))
    assert rule_of(too_much) == ("body.amount", "within_outstanding")
    repaid = await agency.repay(claim.id, RepaymentIn.model_validate({"id": "repaid", "amount": "100000.00"}))
    assert (repaid.outstanding, [r.id for r in repaid.repayments or []]) == (0, ["repaid"])

    trail, _ = await AuditRepository(session).search(county_code="20", entity_type=None, entity_id=None,
                                                     actor=None, after=None, limit=100)
    assert [(e.entity_type, e.entity_id, e.action) for e in trail if e.entity_type != "requisition"] == [
        ("spending_report", "report", "report"), ("repayment_claim", "report", "claim"),
        ("repayment", "repaid", "repay"), ("repayment_claim", "report", "repay")]


async def test_a_co_financing_year_splits_exactly_among_its_parties() -> None:
    members = (Member("2080", "Falun", 59752), Member("2081", "Borlänge", 52460), Member("2082", "Säter", 11203))
    parties = [Party(key="region", name="Region Dalarna", field="body.parties.0", first_year=2024, last_year=2026,
                     share=Fraction(1, 3)),
               Party(key="police", name="Polisen", field="body.parties.1", first_year=2024, last_year=2026,
                     amount=250_001 * KRONOR),
               Party(key="municipalities", name="Kommunerna", field="body.parties.2", first_year=2024,
                     last_year=2026, share=Fraction(2, 3), members=members)]
    cost = 1_000_003 * KRONOR
    unit = unit_of(cost, parties)
    for percent in (Fraction(25), Fraction(50), Fraction(100)):
        principals, state = two_way(cost, percent, unit)
        assert principals + state == cost
        parts = split_year(2025, principals, parties, unit)
        assert sum(part.amount for part in parts) == principals
        assert sum(claim.amount for part in parts for claim in part.claims) == principals
        assert next(p.amount for p in parts if p.party.key == "police") == 250_001 * KRONOR
        assert all(part.amount % unit == 0 for part in parts)
