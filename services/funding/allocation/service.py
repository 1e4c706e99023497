"""Allocations' rules: a split of a funding line made by the engine, previewed or saved; saved ones never
together exceed the line, and every saved share is an allocation entry in the ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.models import FundingLine
from services.funding.agreements.repository import AgreementRepository
from services.funding.agreements.service import STATE
from services.funding.allocation.engine import (
    ROUNDING_UNITS,
    AllocationKey,
    AllocationRefused,
    Recipient,
    SetAside,
    allocate,
    fraction_text,
)
from services.funding.allocation.models import Allocation, AllocationShare
from services.funding.allocation.presenter import allocation_out, allocation_snapshot, computed_allocation_out
from services.funding.allocation.recipients import resolve_recipients
from services.funding.allocation.repository import AllocationRepository
from services.funding.allocation.schemas import AllocationCreate, AllocationIn, AllocationOut, ParentOut, RecipientIn
from services.funding.audit.service import trail
from services.funding.effective import agreement_start, effective_day, not_before
from services.funding.identifiers import county_of_scb_code
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger, NewEntry
from services.funding.registry import Payee, Registry
from shared.authorization import require_national
from shared.identity import Principal
from shared.money import format_ore
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, FieldError, InvalidInput, NotFound
from shared.records import utcnow

WEIGHT_FIELD = {AllocationKey.POPULATION: "population", AllocationKey.PERCENTAGE: "percent",
                AllocationKey.FIXED: "amount"}


def _county(recipient: RecipientIn) -> str | None:
    return recipient.county_code or county_of_scb_code(recipient.id)


def _weights(data: AllocationIn, key: AllocationKey) -> list[Recipient]:
    errors: list[FieldError] = []
    if key is AllocationKey.POPULATION and data.basis_year is None and data.basis is None:
        errors.append(FieldError("body.basis_year", "required_for_population_key",
                                 "A population split states the year of its populations."))
    recipients = []
    for i, recipient in enumerate(data.recipients):
        name = WEIGHT_FIELD.get(key)
        value = getattr(recipient, name) if name else 1
        if value is None:
            errors.append(FieldError(f"body.recipients.{i}.{name}", f"required_for_{key.value}_key",
                                     f"The {key.value} key needs each recipient's {name}."))
        recipients.append(Recipient(recipient.id, value if value is not None else 1))
    if errors:
        raise InvalidInput(f"The allocation breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
    return recipients


async def allocation_share(allocations: AllocationRepository, allocation_id: str, recipient_id: str, *,
                           from_state: bool = False) -> tuple[Allocation, AllocationShare]:
    """The allocation a body names and the recipient's share of it, or 422 naming the field: an unknown
    allocation (body.allocation_id, unknown_reference), a recipient without a share in it (body.recipient_id,
    recipient_of_allocation). `from_state`: only an allocation of a funding line, not an onward distribution
    (whose money comes from its distributor: body.allocation_id, state_allocation)."""
    allocation = await allocations.get(allocation_id)
    if allocation is None:
        raise InvalidInput.field("body.allocation_id", "unknown_reference", f"No allocation {allocation_id}.")
    if from_state and allocation.parent_allocation_id is not None:
        raise InvalidInput.field("body.allocation_id", "state_allocation",
                                 f"{allocation_id} is an onward distribution: its money comes from "
                                 f"{allocation.parent_recipient_id}, not from the state, and is not requisitioned.")
    share = next((s for s in allocation.shares if s.recipient_id == recipient_id), None)
    if share is None:
        raise InvalidInput.field("body.recipient_id", "recipient_of_allocation",
                                 f"{recipient_id} has no share in allocation {allocation_id}.")
    return allocation, share


def owning_county(answer: AllocationOut) -> str | None:
    """The county an allocation belongs to: a distribution's, or the one county of all its shares; none for an
    allocation across counties (a national one)."""
    if answer.county_code is not None:
        return answer.county_code
    counties = {share.county_code for share in answer.shares}
    return counties.pop() if len(counties) == 1 else None


def _body_field(field: str) -> str:
    return "body." + field.replace("set_asides.", "set_asides.", 1)


class AllocationService:
    def __init__(self, session: AsyncSession, caller: Principal, registry: Registry | None = None) -> None:
        self.session = session
        self.caller = caller
        self.registry = registry
        self.agreements = AgreementRepository(session)
        self.repository = AllocationRepository(session)

    async def _line(self, agreement_id: str, line_id: str, *, for_update: bool = False) -> FundingLine:
        line = await self.agreements.line(agreement_id, line_id, for_update=for_update)
        if line is None:
            raise NotFound(f"No funding line {line_id} in agreement {agreement_id}.")
        return line

    async def preview(self, agreement_id: str, line_id: str, data: AllocationIn) -> AllocationOut:
        require_national(self.caller, "an allocation")
        line = await self._line(agreement_id, line_id)
        on = await self._allocated_on(line, data)
        data, source, payees = await self._resolved(line, data, on)
        remaining = line.total_ore - await self.agreements.allocated_from(line_id)
        return self._compute(line, data, remaining, allocation_id=None, source=source, payees=payees, on=on)

    async def _allocated_on(self, line: FundingLine, data: AllocationIn, *, what: str = "An allocation") -> date:
        """The day the allocation takes effect (services/funding/effective.py): a day given is not before the
        agreement's first year began."""
        on = effective_day(self.caller, data.allocated_on, "body.allocated_on", what=what)
        if data.allocated_on is not None:
            agreement = await self.agreements.get(line.agreement_id)
            assert agreement is not None
            not_before(on, agreement_start(agreement.first_year), "body.allocated_on", "within_agreement",
                       f"agreement {agreement.id} runs from {agreement.first_year}.")
        return on

    async def _resolved(self, line: FundingLine, data: AllocationIn, on: date
                        ) -> tuple[AllocationIn, str | None, dict[str, Payee]]:
        assert self.registry is not None
        return await resolve_recipients(self.registry, data, data.key or AllocationKey(line.allocation_key), on)

    async def create(self, agreement_id: str, line_id: str, data: AllocationCreate) -> AllocationOut:
        require_national(self.caller, "an allocation")
        line = await self._line(agreement_id, line_id, for_update=True)
        if await self.repository.get(data.id) is not None:
            raise Conflict.field("body.id", "id_in_use", f"Allocation {data.id} exists; choose another id.")
        on = await self._allocated_on(line, data)
        resolved, source, payees = await self._resolved(line, data, on)
        assert isinstance(resolved, AllocationCreate)  # the request itself, its recipients filled in
        data = resolved
        remaining = line.total_ore - await self.agreements.allocated_from(line_id)
        answer = self._compute(line, data, remaining, allocation_id=data.id, source=source, payees=payees, on=on)
        await self.save(data, answer, provider=STATE, entry_type=EntryType.ALLOCATION)
        return answer

    async def save(self, data: AllocationCreate, answer: AllocationOut, *, provider: str,
                   entry_type: EntryType) -> None:
        """Stores the computed allocation and one ledger entry per share, from `provider`, dated the day it took
        effect."""
        answer.recorded_at = utcnow()
        by_id = {r.id: r for r in data.recipients} | {s.recipient.id: s.recipient for s in data.set_asides}
        allocation = Allocation(id=data.id, funding_line_id=answer.funding_line_id, agreement_id=answer.agreement_id,
                                total_ore=answer.total, key=answer.key.value, rounding=answer.rounding,
                                basis=answer.basis, created_by=self.caller.subject, shares=[],
                                parent_allocation_id=answer.parent.allocation_id if answer.parent else None,
                                parent_recipient_id=answer.parent.recipient_id if answer.parent else None,
                                county_code=answer.county_code, allocated_on=answer.allocated_on,
                                created_at=answer.recorded_at)
        await self.repository.add_with_shares(allocation, [{
            "allocation_id": data.id, "position": position, "recipient_id": share.recipient_id,
            "recipient_name": by_id[share.recipient_id].name, "county_code": share.county_code, "basis": share.basis,
            "weight": share.weight, "exact": share.exact_ore, "amount_ore": share.amount,
            "adjustment": share.adjustment_ore, "payee_id": share.payee.id if share.payee else None,
            "payee_name": share.payee.name if share.payee else None,
            "payee_org_number": share.payee.org_number if share.payee else None}
            for position, share in enumerate(answer.shares, start=1)])
        trail(self.session, self.caller).record(
            "distribute" if answer.parent else "allocate", "allocation", data.id, county=owning_county(answer),
            after=allocation_snapshot(answer))
        await Ledger(self.session).record_all(self.caller, answer.agreement_id, [
            NewEntry(entry_type=entry_type, amount_ore=share.amount, provider=provider, receiver=share.recipient_id,
                     county_code=share.county_code, document_type="allocation", document_id=data.id,
                     entry_date=answer.allocated_on)
            for share in answer.shares])

    async def search(self, *, year: int | None, county: str | None, agreement: str | None, recipient: str | None,
                     paging: PageRequest) -> Page[AllocationOut]:
        rows, count = await self.repository.search(year=year, county=county, agreement=agreement,
                                                   recipient=recipient, after=paging.after_key(str),
                                                   limit=paging.limit + 1)
        return paging.page([allocation_out(a) for a in rows], count=count, sort_key=lambda a: [a.id])

    async def read(self, allocation_id: str) -> AllocationOut:
        allocation = await self.repository.get(allocation_id)
        if allocation is None:
            raise NotFound(f"No allocation {allocation_id}.")
        return allocation_out(allocation)

    def _compute(self, line: FundingLine, data: AllocationIn, remaining: int, *, allocation_id: str | None,
                 source: str | None, on: date, payees: dict[str, Payee] | None = None,
                 limit: tuple[str, str] = ("within_funding_line", "The funding line has"),
                 parent: ParentOut | None = None, county_code: str | None = None) -> AllocationOut:
        key = data.key or AllocationKey(line.allocation_key)
        total = remaining if data.total is None else data.total
        if total > remaining:
            raise Conflict.field("body.total", limit[0], f"{limit[1]} {format_ore(remaining)} kronor left to "
                                                         f"split; {format_ore(total)} was asked for.")
        recipients = _weights(data, key)
        set_asides = [SetAside(s.recipient.id, s.percent, s.purpose) for s in data.set_asides]
        try:
            result = allocate(total, recipients, key=key, unit=ROUNDING_UNITS[data.rounding], set_asides=set_asides)
        except AllocationRefused as refused:
            errors = [FieldError(_body_field(e.field), e.rule, e.message) for e in refused.errors]
            raise InvalidInput(f"The split cannot be made: {errors[0].message}", errors=errors) from None
        counties = {r.id: _county(r) for r in data.recipients} | \
                   {s.recipient.id: _county(s.recipient) for s in data.set_asides}
        names = {r.id: r.name for r in data.recipients} | {s.recipient.id: s.recipient.name for s in data.set_asides}
        basis = {"key": key.value, "year": data.basis_year if key is AllocationKey.POPULATION else None,
                 "source": source, **({"population_basis": data.basis} if data.basis else {}),
                 "set_asides": [{"recipient_id": s.recipient.id, "percent": fraction_text(s.percent),
                                 "purpose": s.purpose} for s in data.set_asides]}
        return computed_allocation_out(line, result, allocation_id=allocation_id, rounding=data.rounding, on=on,
                                       basis=basis, names=names, counties=counties, payees=payees or {},
                                       parent=parent, county_code=county_code)
