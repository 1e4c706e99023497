"""Who the parties to a co-financing agreement are, from the actor registry: registry organisations (with or
without a county) and sets of municipalities paying by population on one of the registry's population bases.

Without `parties` the agreement is the region and all of the county's municipalities, by `region_percent`. The
registry is asked a fixed number of questions: the municipalities in one list, the organisations in one call by
id, and each population basis named once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from services.funding.cofinancing.schemas import CoFinancingIn, PartyIn
from services.funding.cofinancing.split import Member, Party
from services.funding.registry import MAX_RECEIVERS, Municipality, PopulationBasis, Registry
from shared.problems import FieldError, InvalidInput

REGION = "region"
MUNICIPALITIES = "municipalities"


def scb_basis(year: int) -> str:
    """The registry's basis of SCB's populations on 31 December of `year`."""
    return f"scb-{year}-12-31"


@dataclass
class Resolved:
    parties: list[Party]
    bases: dict[str, PopulationBasis] = field(default_factory=dict)
    # {input field: the county of the organisation or municipality it names}, for the county-scope rule
    references: dict[str, str | None] = field(default_factory=dict)


async def _basis(registry: Registry, basis_id: str, field_name: str, year: int | None) -> PopulationBasis:
    try:
        return await registry.population_basis(basis_id, field_name)
    except InvalidInput:
        if year is None:
            raise
        raise InvalidInput.field(field_name, "population_published",
                                 f"The registry has no SCB populations for {year}.") from None


def _members(codes: list[str], municipalities: dict[str, Municipality], basis: PopulationBasis,
             field_name: str) -> tuple[Member, ...] | FieldError:
    missing = [code for code in codes if code not in basis.populations]
    if missing:
        named = ", ".join(f"{municipalities[c].name} ({c})" for c in missing[:5])
        return FieldError(field_name, "population_in_basis",
                          f"Population basis {basis.id} has no population for {named}"
                          f"{' and others' if len(missing) > 5 else ''}.")
    return tuple(Member(code, municipalities[code].name, basis.populations[code]) for code in codes)


async def region_and_municipalities(registry: Registry, data: CoFinancingIn) -> Resolved:
    """The region pays `region_percent` of the principals' part, all of the county's municipalities the rest by
    population, on `basis` or SCB's `basis_year`."""
    errors: list[FieldError] = []
    if data.region_percent is None:
        errors.append(FieldError("body.region_percent", "required_without_parties",
                                 "An agreement without `parties` states the region's percentage."))
    if (data.basis is None) == (data.basis_year is None):
        errors.append(FieldError("body.basis", "one_basis", "The municipalities split by one population basis: "
                                                            "send `basis` or `basis_year`."))
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)
    municipalities = await registry.municipalities(data.county_code)
    field_name = "body.basis" if data.basis else "body.basis_year"
    basis = await _basis(registry, data.basis or scb_basis(data.basis_year or 0), field_name, data.basis_year)
    members = _members(sorted(municipalities), municipalities, basis, field_name)
    if not municipalities or isinstance(members, FieldError):
        error = members if isinstance(members, FieldError) else FieldError(
            field_name, "population_in_basis", f"County {data.county_code} has no municipalities.")
        if data.basis_year is not None:  # SCB's year has no figure for them
            error = FieldError(field_name, "population_published", error.message)
        raise InvalidInput(error.message, errors=[error])
    percent = data.region_percent or Fraction(0)
    years = data.first_year, data.last_year
    return Resolved([Party(REGION, f"Region ({data.county_code})", "body.region_percent", *years,
                           share=percent / 100),
                     Party(MUNICIPALITIES, f"Municipalities of county {data.county_code}", field_name, *years,
                           share=1 - percent / 100, members=members, basis=basis.id)],
                    bases={basis.id: basis})


def _form_errors(data: CoFinancingIn, parties: list[PartyIn]) -> list[FieldError]:
    errors = []
    if data.region_percent is not None:
        errors.append(FieldError("body.region_percent", "not_with_parties",
                                 "With `parties` each party states what it pays."))
    if not parties:
        errors.append(FieldError("body.parties", "not_empty", "An agreement has at least one party."))
    for i, party in enumerate(parties):
        at = f"body.parties.{i}"
        if (party.organisation is None) == (party.municipalities is None):
            errors.append(FieldError(at, "one_party", "A party is an `organisation` or a set of `municipalities`."))
        if party.organisation is not None and (party.id is not None or party.basis is not None):
            errors.append(FieldError(f"{at}.{'id' if party.id else 'basis'}", "municipalities_only",
                                     "An organisation is its own key and pays no part by population."))
        if sum(v is not None for v in (party.amount, party.share, party.percent)) != 1:
            errors.append(FieldError(at, "one_contribution", "A party pays an `amount`, a `share` or a `percent`."))
        share = party.share if party.share is not None else party.percent / 100 if party.percent is not None \
            else None
        if share is not None and not 0 <= share <= 1:
            errors.append(FieldError(at, "share_range", "A share lies between none and the whole (0-100 %)."))
        first, last = party.first_year or data.first_year, party.last_year or data.last_year
        if not data.first_year <= first <= last <= data.last_year:
            errors.append(FieldError(f"{at}.first_year", "within_agreement",
                                     "A party's years lie within the agreement's years, the first before the last."))
    return errors


async def named_parties(registry: Registry, data: CoFinancingIn, on: date) -> Resolved:
    parties = data.parties or []
    errors = _form_errors(data, parties)
    organisation_ids = {p.organisation for p in parties if p.organisation}
    if len(organisation_ids) > MAX_RECEIVERS:
        errors.append(FieldError("body.parties", "organisations_at_most",
                                 f"At most {MAX_RECEIVERS} organisations in one agreement."))
    if errors:
        raise InvalidInput(f"The agreement's parties break {len(errors)} rule(s): {errors[0].message}",
                           errors=errors)
    groups = [p for p in parties if p.municipalities is not None]
    municipalities: dict[str, Municipality] = {}
    if groups:
        everywhere = any(p.municipalities != "all" and any(c[:2] != data.county_code for c in p.municipalities)
                         for p in groups)
        municipalities = await registry.municipalities(None if everywhere else data.county_code)
    organisations = await registry.organisations(organisation_ids, on) if organisation_ids else {}
    basis_ids: dict[str, tuple[str, int | None]] = {}  # basis id: (the first field naming it, SCB's year)
    for i, party in enumerate(parties):
        if party.municipalities is None:
            continue
        if party.basis or data.basis:
            basis_ids.setdefault(party.basis or data.basis or "", (f"body.parties.{i}.basis", None))
        elif data.basis_year is not None:
            basis_ids.setdefault(scb_basis(data.basis_year), ("body.basis_year", data.basis_year))
        else:
            errors.append(FieldError(f"body.parties.{i}.basis", "basis_required",
                                     "Municipalities paying by population name their population basis (or the "
                                     "agreement's `basis`)."))
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)
    bases = {b: await _basis(registry, b, at, year) for b, (at, year) in basis_ids.items()}
    resolved = Resolved([], bases=bases)
    for i, party in enumerate(parties):
        at = f"body.parties.{i}"
        years = party.first_year or data.first_year, party.last_year or data.last_year
        share = party.share if party.share is not None else party.percent / 100 if party.percent is not None \
            else None
        if party.organisation is not None:
            organisation = organisations.get(party.organisation)
            if organisation is None:
                errors.append(FieldError(f"{at}.organisation", "unknown_reference",
                                         f"{party.organisation} is not an organisation in the actor registry."))
                continue
            resolved.references[f"{at}.organisation"] = organisation.county_code
            resolved.parties.append(Party(party.organisation, party.name or organisation.name, at, *years,
                                          amount=party.amount, share=share))
            continue
        codes = sorted(c for c, m in municipalities.items() if m.county_code == data.county_code) \
            if party.municipalities == "all" else list(party.municipalities or [])
        unknown = [j for j, c in enumerate(codes) if c not in municipalities]
        errors.extend(FieldError(f"{at}.municipalities.{j}", "unknown_reference",
                                 f"{codes[j]} is not a municipality code in the actor registry.") for j in unknown)
        twice = [j for j, c in enumerate(codes) if c in codes[:j]]
        errors.extend(FieldError(f"{at}.municipalities.{j}", "unique", f"{codes[j]} is named more than once.")
                      for j in twice)
        if unknown or twice:
            continue
        if not codes:
            errors.append(FieldError(f"{at}.municipalities", "not_empty", "A set of municipalities has members."))
            continue
        basis = bases[party.basis or data.basis or scb_basis(data.basis_year or 0)]
        members = _members(codes, municipalities, basis, f"{at}.basis")
        if isinstance(members, FieldError):
            errors.append(members)
            continue
        foreign = next((municipalities[c].county_code for c in codes
                        if municipalities[c].county_code != data.county_code), data.county_code)
        resolved.references[f"{at}.municipalities"] = foreign
        key = party.id or MUNICIPALITIES
        resolved.parties.append(Party(key, party.name or f"{len(codes)} municipalities by population", at, *years,
                                      amount=party.amount, share=share, members=members, basis=basis.id))
    if errors:
        raise InvalidInput(f"The agreement's parties break {len(errors)} rule(s): {errors[0].message}",
                           errors=errors)
    return resolved
