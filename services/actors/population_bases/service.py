"""Population bases: who may store one, what its rows may name, and that a stored basis never changes.

A basis belongs to the one county all its rows belong to (a municipality's county, an organisation's), or to no
county when they span several or name an organisation without one: a county system stores bases of its own
county's municipalities and organisations, national administrators any (shared/authorization.py). Once stored a
basis is not changed, so whatever cites it (an allocation, a co-financing agreement) keeps meaning the same
figures: a correction is a new basis under a new id. Every caller reads them, as SCB's lists.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.actors.audit.models import AuditEvent
from services.actors.geography.repository import GeographyRepository
from services.actors.organisations.presenter import name_on
from services.actors.organisations.repository import OrganisationRepository
from services.actors.population_bases import schemas
from services.actors.population_bases.models import PopulationBasis, PopulationBasisRow
from services.actors.population_bases.presenter import audit_snapshot, basis_out, basis_summary
from services.actors.population_bases.repository import PopulationBasisRepository
from shared.audit import AuditTrail
from shared.authorization import require_county_scope
from shared.identity import Principal
from shared.pagination import Page, PageRequest
from shared.problems import Conflict, FieldError, InvalidInput, NotFound

# A county's municipalities and organisations; a code without a county names a national organisation.
Counties = dict[str, str | None]


def is_municipality_code(code: str) -> bool:
    return len(code) == 4 and code.isdigit()


def owning_county(counties: Counties) -> str | None:
    """The one county every row belongs to, or None (several counties, or an organisation without one)."""
    found = set(counties.values())
    return found.pop() if len(found) == 1 else None


def same_terms(basis: PopulationBasis, data: schemas.PopulationBasisIn) -> bool:
    return ((basis.name, basis.source, basis.reference_date) == (data.name, data.source, data.reference_date)
            and {r.code: r.population for r in basis.rows} == {r.code: r.population for r in data.rows})


class PopulationBasisService:
    def __init__(self, session: AsyncSession, caller: Principal) -> None:
        self.session = session
        self.caller = caller
        self.audit = AuditTrail(session, caller, AuditEvent)
        self.repository = PopulationBasisRepository(session)
        self.geography = GeographyRepository(session)
        self.organisations = OrganisationRepository(session)

    async def read(self, basis_id: str) -> schemas.PopulationBasisOut:
        basis = await self.repository.with_rows(basis_id)
        if basis is None:
            raise NotFound(f"No population basis has id '{basis_id}'.")
        return basis_out(basis, await self._names({row.code for row in basis.rows}))

    async def search(self, *, county_code: str | None, paging: PageRequest) -> Page[schemas.PopulationBasisSummary]:
        if county_code and not await self.geography.county_exists(county_code):
            raise InvalidInput.field("query.county", "unknown_reference", f"No county has SCB code {county_code}.")
        bases, count = await self.repository.page(county_code=county_code, after=paging.after_key(str),
                                                  limit=paging.limit + 1)
        figures = await self.repository.figures([b.id for b in bases])
        return paging.page([basis_summary(b, figures.get(b.id)) for b in bases], count=count,
                           sort_key=lambda b: [b.id])

    async def create(self, data: schemas.PopulationBasisIn) -> tuple[schemas.PopulationBasisOut, bool]:
        """The new basis and True; for a retry with the same content the stored one and False."""
        # A county system stores in its own county, a national administrator anywhere: refused callers learn
        # nothing about the rows or the id.
        require_county_scope(self.caller, self.caller.county_code, what="a population basis")
        counties = await self._counties(data)
        owner = owning_county(counties)
        require_county_scope(self.caller, owner, what=f"population basis '{data.id}'", field="body.rows")
        await self.repository.hold_id(data.id)
        existing = await self.repository.with_rows(data.id)
        if existing is not None:
            require_county_scope(self.caller, existing.county_code, what=f"population basis '{data.id}'",
                                 field="body.id")
            if not same_terms(existing, data):
                raise Conflict.field("body.id", "conflict", f"Population basis '{data.id}' is stored with other "
                                                            "figures; a stored basis is not changed (store a "
                                                            "correction under a new id).")
            return await self.read(data.id), False
        basis = PopulationBasis(id=data.id, name=data.name, source=data.source, reference_date=data.reference_date,
                                county_code=owner, rows=[PopulationBasisRow(code=r.code, population=r.population)
                                                         for r in sorted(data.rows, key=lambda r: r.code)])
        await self.repository.add_basis(basis)
        self.audit.record("create", "population_basis", basis.id, after=audit_snapshot(basis), county=owner)
        return basis_out(basis, await self._names(set(counties))), True

    async def _counties(self, data: schemas.PopulationBasisIn) -> Counties:
        """Each row's county, every row naming a municipality or organisation of the registry once; otherwise
        422 naming the row."""
        codes = [row.code for row in data.rows]
        municipalities = await self.geography.municipality_heads({c for c in codes if is_municipality_code(c)})
        organisations = {h.id: h.county_code for h in await self.organisations.heads(
            {c for c in codes if not is_municipality_code(c)})}
        errors: list[FieldError] = []
        counties: Counties = {}
        for i, code in enumerate(codes):
            field = f"body.rows.{i}.code"
            if code in counties:
                errors.append(FieldError(field, "unique", f"{code} has more than one row."))
            elif code in municipalities:
                counties[code] = municipalities[code][1]
            elif code in organisations:
                counties[code] = organisations[code]
            elif is_municipality_code(code):
                errors.append(FieldError(field, "unknown_reference", f"{code} is not a municipality code in "
                                                                     "the actor registry."))
            else:
                errors.append(FieldError(field, "unknown_reference", f"{code} is not an organisation in the actor "
                                                                     "registry."))
        if errors:
            raise InvalidInput(f"The basis's rows break {len(errors)} rule(s): {errors[0].message}", errors=errors)
        return counties

    async def _names(self, codes: set[str]) -> dict[str, str | None]:
        municipalities = await self.geography.municipality_heads({c for c in codes if is_municipality_code(c)})
        heads = await self.organisations.heads({c for c in codes if not is_municipality_code(c)})
        today = date.today()
        names: dict[str, str | None] = {code: name for code, (name, _) in municipalities.items()}
        for head in heads:
            name = name_on(head.names, today)
            names[head.id] = name.name if name else None
        return names
