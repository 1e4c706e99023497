"""Agreements' rules: national administrators make them; lines stay inside the agreement's areas and years;
a retried create with the same content answers the stored agreement, other content with the same id is 409."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.agreements.models import Agreement, FundingLine
from services.funding.agreements.presenter import agreement_out, agreement_snapshot
from services.funding.agreements.repository import AgreementRepository
from services.funding.agreements.schemas import AgreementIn, AgreementOut
from services.funding.audit.service import trail
from services.funding.ledger.models import EntryType
from services.funding.ledger.service import Ledger, NewEntry
from shared.authorization import require_national
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, FieldError, InvalidInput, NotFound

STATE = "state"
AGENCY = "agency"


def _same(stored: AgreementOut, data: AgreementIn) -> bool:
    wanted = data.model_dump(mode="json")
    got = stored.model_dump(mode="json", exclude={"lines": {"__all__": {"agreement_id"}}})
    key = lambda line: line["id"]  # noqa: E731
    return {**wanted, "lines": sorted(wanted["lines"], key=key)} == {**got, "lines": sorted(got["lines"], key=key)}


class AgreementService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.repository = AgreementRepository(session)

    async def read(self, agreement_id: str) -> AgreementOut:
        return agreement_out(await self.require(agreement_id))

    async def require(self, agreement_id: str) -> Agreement:
        """The agreement; 404 when there is none."""
        agreement = await self.repository.get(agreement_id)
        if agreement is None:
            raise NotFound(f"No agreement {agreement_id}.")
        return agreement

    async def search(self, *, year: int | None, paging: PageRequest) -> Page[AgreementOut]:
        rows, count = await self.repository.search(year=year, after=paging.after_key(str), limit=paging.limit + 1)
        return paging.page([agreement_out(a) for a in rows], count=count, sort_key=lambda a: [a.id])

    async def create(self, data: AgreementIn) -> tuple[AgreementOut, bool]:
        require_national(self.caller, "an agreement")
        await self.repository.hold_new(data.id)
        existing = await self.repository.get(data.id)
        if existing is not None:
            stored = agreement_out(existing)
            if _same(stored, data):
                return stored, False
            raise Conflict.field("body.id", "id_in_use", f"Agreement {data.id} exists with other content; "
                                                         "choose another id or send the stored content.")
        self._check_lines(data)
        in_use = await self.repository.line_ids_in_use([line.id for line in data.lines])
        if in_use:
            i = next(i for i, line in enumerate(data.lines) if line.id in in_use)
            raise Conflict.field(f"body.lines.{i}.id", "id_in_use", f"Funding line {data.lines[i].id} exists.")
        agreement = Agreement(id=data.id, name=data.name, registry_number=data.registry_number,
                              first_year=data.first_year, last_year=data.last_year, areas=data.areas,
                              created_by=self.caller.subject, lines=[])
        for line in data.lines:
            agreement.lines.append(FundingLine(
                id=line.id, area=line.area, year=line.year, total_ore=line.total,
                allocation_key=line.allocation_key.value, requisition_last_date=line.requisition_last_date,
                report_due_date=line.report_due_date, conditions=line.conditions))
        self.repository.add(agreement)
        await self.repository.flush()
        trail(self.session, self.caller).record("create", "agreement", agreement.id, county=None,
                                                after=agreement_snapshot(agreement))
        await Ledger(self.session).record_all(self.caller, data.id, [
            NewEntry(entry_type=EntryType.COMMITMENT, amount_ore=line.total, provider=STATE, receiver=AGENCY,
                     county_code=None, document_type="funding_line", document_id=line.id) for line in data.lines])
        return agreement_out(agreement), True

    @staticmethod
    def _check_lines(data: AgreementIn) -> None:
        errors: list[FieldError] = []
        seen: set[tuple[str, int]] = set()
        ids = [line.id for line in data.lines]
        for i, line in enumerate(data.lines):
            if line.area not in data.areas:
                errors.append(FieldError(f"body.lines.{i}.area", "area_of_agreement",
                                         f"{line.area!r} is not one of the agreement's areas."))
            if not data.first_year <= line.year <= data.last_year:
                errors.append(FieldError(f"body.lines.{i}.year", "year_of_agreement",
                                         f"{line.year} is outside the agreement's years "
                                         f"{data.first_year}-{data.last_year}."))
            if (line.area, line.year) in seen:
                errors.append(FieldError(f"body.lines.{i}", "one_line_per_area_and_year",
                                         f"There is already a line for {line.area} in {line.year}."))
            if ids.count(line.id) > 1:
                errors.append(FieldError(f"body.lines.{i}.id", "unique", f"Line id {line.id} is repeated."))
            seen.add((line.area, line.year))
        if errors:
            raise InvalidInput(f"The agreement breaks {len(errors)} rule(s): {errors[0].message}", errors=errors)
