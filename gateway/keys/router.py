"""`/keys`: the national administrators' management of API keys, answered by the gateway itself.

Every route takes a national administrator's key (401 without a valid key, 403 for any other role); a wrong key
counts against the address's failed-authentication budget as it does everywhere, and a call spends from the
administrator's budget (gateway/rate_limits.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response

from gateway.identity import InvalidApiKey, api_key_from_headers
from gateway.keys.schemas import KeyCreated, KeyEventOut, KeyIdPath, KeyIn, KeyOut, RotateIn
from gateway.keys.service import ENTITY, KeyAuditService, KeyService
from gateway.keys.store import KeyStore, KeyStoreUnavailable
from gateway.rate_limits import Verdict
from shared.identity import Principal, Role
from shared.json_bodies import require_json_content_type
from shared.pagination import Page, Paging
from shared.problems import Forbidden, ProblemError, ServiceUnavailable, Unauthenticated, problem_responses
from shared.query_parameters import refuse_unknown_query_parameters
from shared.service_provider import provided

if TYPE_CHECKING:
    from gateway.app import Gateway

WWW_AUTHENTICATE = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


class RateLimited(ProblemError):
    status = 429
    slug = "rate-limited"

    @classmethod
    def by(cls, verdict: Verdict) -> RateLimited:
        headers = {name.decode(): value.decode() for name, value in verdict.headers}
        headers["Retry-After"] = str(verdict.retry_after)
        return cls(verdict.refusal_detail, headers=headers, policy=verdict.policy.name)


def _gateway(request: Request) -> Gateway:
    return request.app.state.gateway


async def national_administrator(request: Request) -> Principal:
    """The caller, who must hold a national administrator's key."""
    gateway = _gateway(request)
    key = api_key_from_headers(request.headers.get("x-api-key", "").encode("latin-1") or None,
                               request.headers.get("authorization", "").encode("latin-1") or None)
    if not key:
        raise Unauthenticated("Managing API keys takes a national administrator's key (X-API-Key header).",
                              headers=WWW_AUTHENTICATE)
    address = gateway.client_address(request.scope)
    try:
        blocked = await gateway.key_attempt_refused(key, address)
        if blocked is not None:
            raise RateLimited.by(blocked)
        try:
            subject, role, county = await gateway.issuer.principal_for(key)
        except InvalidApiKey:
            verdict = await gateway.rate_limits.failed_authentication(address)
            if verdict is not None and not verdict.allowed:
                raise RateLimited.by(verdict) from None
            raise Unauthenticated("The API key is not valid.", headers=WWW_AUTHENTICATE) from None
    except KeyStoreUnavailable:
        raise ServiceUnavailable("The API key cannot be checked now: the gateway's key store does not answer. "
                                 "Try again shortly.") from None
    if role is not Role.NATIONAL_ADMIN:
        raise Forbidden(f"Only national administrators manage API keys; a {role.value} key may not.")
    verdict = await gateway.rate_limits.spend(role, subject, address)
    if verdict is not None and not verdict.allowed:
        raise RateLimited.by(verdict)
    principal = Principal(subject=subject, role=role, county_code=county)
    request.state.principal = principal  # the access line names the caller
    return principal


def key_store(request: Request) -> KeyStore:
    return _gateway(request).keys


NationalAdministrator = Annotated[Principal, Depends(national_administrator)]
Store = Annotated[KeyStore, Depends(key_store)]
Keys = Annotated[KeyService, provided(KeyService, NationalAdministrator, Store)]
KeyAudit = Annotated[KeyAuditService, provided(KeyAuditService, NationalAdministrator)]
NO_STORE = "no-store"  # an answer holding a secret is kept by no cache

router = APIRouter(prefix="/keys", tags=["API keys"],
                   dependencies=[Depends(refuse_unknown_query_parameters), Depends(require_json_content_type)],
                   responses=problem_responses(401, 403, 429, 503))


@router.post("", status_code=201, summary="Make an API key (national administrators); its secret is in this "
                                          "answer only")
async def create_key(data: KeyIn, keys: Keys, response: Response) -> KeyCreated:
    created = await keys.create(data)
    response.headers["Location"] = f"/keys/{created.key_id}"
    response.headers["Cache-Control"] = NO_STORE
    return created


@router.get("", summary="List API keys (national administrators): no secrets")
async def list_keys(keys: Keys, paging: Paging,
                    revoked: Annotated[bool | None, Query(description="true: only keys that no longer work; "
                                                                      "false: only keys that work.")] = None,
                    ) -> Page[KeyOut]:
    return await keys.search(revoked=revoked, paging=paging)


@router.get("/audit", summary="Who made, rotated, revoked or imported which key (national administrators), "
                              "oldest first")
async def list_key_events(audit: KeyAudit, paging: Paging,
                          key_id: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$",
                                                              description="Only this key's events.")] = None,
                          ) -> Page[KeyEventOut]:
    return await audit.search(entity_type=ENTITY, entity_id=key_id, actor=None, paging=paging)


@router.get("/{key_id}", summary="One API key (national administrators): no secret",
            responses=problem_responses(404))
async def get_key(key_id: KeyIdPath, keys: Keys) -> KeyOut:
    return await keys.read(key_id)


@router.post("/{key_id}/rotate", status_code=201, responses=problem_responses(404, 409),
             summary="Replace a key by a new one (national administrators): the old key stops at once, or after "
                     "grace_seconds; the new key's secret is in this answer only")
async def rotate_key(key_id: KeyIdPath, keys: Keys, response: Response, data: RotateIn | None = None) -> KeyCreated:
    created = await keys.rotate(key_id, data.grace_seconds if data is not None else 0)
    response.headers["Location"] = f"/keys/{created.key_id}"
    response.headers["Cache-Control"] = NO_STORE
    return created


@router.post("/{key_id}/revoke", responses=problem_responses(404),
             summary="Revoke a key (national administrators): refused by every gateway replica within a second")
async def revoke_key(key_id: KeyIdPath, keys: Keys) -> KeyOut:
    return await keys.revoke(key_id)


def install_key_routes(app: FastAPI, gateway: Gateway) -> None:
    app.state.gateway = gateway
    app.include_router(router)
