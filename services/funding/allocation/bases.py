"""A population split on one of the registry's population bases (services/actors/population_bases): the
populations an agreement states, or SCB's on a date (`scb-2023-12-31`), named by the caller and cited in the
allocation's basis, so the split can be recomputed from the same figures whenever it is read."""

from __future__ import annotations

from datetime import date

from services.funding.allocation.engine import AllocationKey
from services.funding.allocation.schemas import AllocationIn
from services.funding.registry import Registry
from shared.problems import FieldError, InvalidInput


def basis_source(basis_id: str, name: str, source: str, reference_date: str) -> str:
    return f"actor registry: population basis {basis_id} ({name}; {source}; {reference_date})"


def published(reference_date: date, on: date, field: str, what: str) -> None:
    """422 population_published naming `field` when the populations count people after the day `on` the split
    takes effect: they were not there to split by."""
    if reference_date > on:
        raise InvalidInput.field(field, "population_published",
                                 f"{what} counts the population on {reference_date.isoformat()}, after the day the "
                                 f"split takes effect ({on.isoformat()}): a split is made by populations of its "
                                 "day or earlier.")


async def with_basis_populations(registry: Registry, data: AllocationIn, key: AllocationKey, on: date
                                 ) -> tuple[AllocationIn, str | None]:
    """With `basis`: the request with each recipient's population taken from the basis (a municipality's by its
    SCB code, an organisation's by its id), and the basis as the source of the populations; without one the
    request as it is and None. A basis is for
    the population key, instead of populations and of `basis_year`, and counts people on a day no later than the
    day the split takes effect (`on`: an allocation of 2019 splits by a population of 2019 or earlier); 422
    naming the field otherwise."""
    if data.basis is None:
        return data, None
    if key is not AllocationKey.POPULATION:
        raise InvalidInput.field("body.basis", "population_key_only", "A population basis weighs a population split "
                                                                      f"only; this one is by {key.value}.")
    if data.basis_year is not None or any(r.population is not None for r in data.recipients):
        raise InvalidInput.field("body.basis", "one_basis", "A split takes its populations from one basis: send "
                                                            "`basis`, `basis_year` or the populations.")
    basis = await registry.population_basis(data.basis, "body.basis")
    published(date.fromisoformat(basis.reference_date), on, "body.basis", f"population basis {basis.id}")
    errors = [FieldError(f"body.recipients.{i}.id", "population_in_basis",
                         f"Population basis {basis.id} has no population for {r.id}.")
              for i, r in enumerate(data.recipients) if r.id not in basis.populations]
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)
    weighed = [r.model_copy(update={"population": basis.populations[r.id]}) for r in data.recipients]
    return (data.model_copy(update={"recipients": weighed}),
            basis_source(basis.id, basis.name, basis.source, basis.reference_date))
