from typing import Annotated

from fastapi import APIRouter, Request, Response

from services.actors.geography.schemas import CountyFilter
from services.actors.identifiers import RecordIdPath
from services.actors.population_bases.schemas import PopulationBasisIn, PopulationBasisOut, PopulationBasisSummary
from services.actors.population_bases.service import PopulationBasisService
from shared.etag import answer_stored, set_etag
from shared.identity import AnyCaller, WritingCaller
from shared.pagination import Page, Paging
from shared.problems import problem_responses
from shared.service_provider import provided

Bases = Annotated[PopulationBasisService, provided(PopulationBasisService, AnyCaller)]
BasesWriter = Annotated[PopulationBasisService, provided(PopulationBasisService, WritingCaller)]

router = APIRouter(prefix="/population-bases", tags=["population bases"], responses=problem_responses(401, 422))
# A stored basis never changes (SCB's are brought to the shipped files by the reference-data loader): a caller
# may reuse one for a minute before revalidating it with its ETag.
BASIS_CACHE = "max-age=60"


@router.get("", summary="List population bases (public reference data)")
async def list_population_bases(bases: Bases, paging: Paging, response: Response,
                                county: CountyFilter = None) -> Page[PopulationBasisSummary]:
    response.headers["Cache-Control"] = BASIS_CACHE
    return await bases.search(county_code=county, paging=paging)


@router.post("", status_code=201, responses=problem_responses(403, 409),
             summary="Store a population basis: the populations an agreement or a publication states on a date "
                     "(a county system for its own county's municipalities, national administrators any); a "
                     "retry with the same content answers 200")
async def create_population_basis(data: PopulationBasisIn, bases: BasesWriter, request: Request,
                                  response: Response) -> PopulationBasisOut:
    basis, created = await bases.create(data)
    return answer_stored(request, response, basis, f"/population-bases/{basis.id}", created)


@router.get("/{basis_id}", summary="One population basis with its rows (public reference data)",
            responses=problem_responses(404))
async def get_population_basis(basis_id: RecordIdPath, bases: Bases, response: Response) -> PopulationBasisOut:
    basis = await bases.read(basis_id)
    set_etag(response, basis.version)
    response.headers["Cache-Control"] = BASIS_CACHE
    return basis
