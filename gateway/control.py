"""What the gateway answers itself: health, readiness of every upstream, OpenAPI, docs, who-am-I."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Annotated, Any

import aiohttp
from fastapi import FastAPI, Header, Request, Response
from pydantic import BaseModel, Field

from gateway import VERSION
from gateway.api_docs import install_api_docs
from gateway.identity import ANONYMOUS_SUBJECT, InvalidApiKey, api_key_from_headers
from gateway.keys.router import install_key_routes
from gateway.keys.store import KeyStoreUnavailable
from gateway.openapi import DocumentIncomplete
from gateway.rate_limits import refusal_response
from shared.identity import Role
from shared.middleware import BodySizeLimitMiddleware, ControlCharacterMiddleware, RequestContextMiddleware
from shared.openapi_document import describe_errors_as_problems, operation_id
from shared.problems import Problem, ServiceUnavailable, Unauthenticated, install_problem_handlers, problem_response

if TYPE_CHECKING:
    from gateway.app import Gateway


class Caller(BaseModel):
    subject: str
    role: str
    county_code: str | None


def create_control_app(gateway: Gateway) -> FastAPI:
    app = FastAPI(title="RSS platform gateway", version=VERSION, docs_url=None, redoc_url=None,
                  generate_unique_id_function=operation_id,
                  openapi_url="/gateway/openapi.json")
    install_problem_handlers(app)
    describe_errors_as_problems(app)

    @app.get("/", tags=["gateway"], summary="Where to start")
    async def index() -> dict[str, Any]:
        return {"name": "RSS platform", "version": VERSION, "docs": "/docs", "openapi": "/openapi.json",
                "services": {name: f"/{name}/" for name in gateway.upstreams}}

    @app.get("/healthz", tags=["gateway"], summary="The gateway process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "gateway"}

    readiness = ReadinessChecks(gateway)

    @app.get("/readyz", tags=["gateway"],
             summary="Every service has at least one ready replica, and the key store answers",
             response_model=GatewayReadiness, response_model_exclude_none=True,
             responses={503: {"description": "A service has no ready replica, or the key store does not answer."},
                        429: {"description": "The address's anonymous budget is spent"}})
    async def readyz(request: Request, response: Response):  # type: ignore[no-untyped-def]
        """Asks every replica of every service, at most once a second whoever calls: callers within the same
        second (and those arriving while the replicas are asked) share one answer. Spends from the address's
        anonymous budget, as any anonymous call."""
        address = gateway.client_address(request.scope)
        verdict = await gateway.rate_limits.spend(Role.ANONYMOUS, ANONYMOUS_SUBJECT, address)
        if verdict is not None and not verdict.allowed:
            return refusal_response(verdict)
        budget = {name.decode(): value.decode() for name, value in verdict.headers} if verdict is not None else {}
        services = await readiness.services()
        key_store = await readiness.key_store()
        if all(any(r["ready"] for r in replicas) for replicas in services.values()) and key_store is None:
            response.headers.update(budget)
            return {"status": "ready", "services": services}
        down = [n for n, replicas in services.items() if not any(r["ready"] for r in replicas)]
        down += [key_store] if key_store else []
        return problem_response(Problem(status=503, detail="Not ready: " + ", ".join(down),
                                        extra={"services": services}), instance="/readyz", headers=budget)

    @app.get("/whoami", tags=["gateway"], summary="The identity the gateway gives your key", response_model=Caller,
             responses={429: {"description": "Too many wrong keys from this address"}})
    async def whoami(request: Request, x_api_key: Annotated[str | None, Header()] = None,
                     authorization: Annotated[str | None, Header()] = None):  # type: ignore[no-untyped-def]
        key = api_key_from_headers(x_api_key.encode() if x_api_key else None,
                                   authorization.encode() if authorization else None)
        # Wrong keys tried here count against the same per-address budget as wrong keys sent to a service.
        address = gateway.client_address(request.scope)
        try:
            blocked = await gateway.key_attempt_refused(key, address) if key else None
            if blocked is not None:
                return refusal_response(blocked)
            subject, role, county_code = await gateway.issuer.principal_for(key)
        except KeyStoreUnavailable:
            raise ServiceUnavailable("The API key cannot be checked now: the gateway's key store does not answer. "
                                     "Try again shortly.") from None
        except InvalidApiKey:
            verdict = await gateway.rate_limits.failed_authentication(address)
            if verdict is not None and not verdict.allowed:
                return refusal_response(verdict)
            raise Unauthenticated("The API key is not valid.") from None
        return Caller(subject=subject, role=role.value, county_code=county_code)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi():  # type: ignore[no-untyped-def]
        try:
            return await gateway.openapi.document(app.openapi())
        except DocumentIncomplete as exc:
            return problem_response(
                Problem(status=503, detail="The API description is incomplete: no document from "
                                           f"{', '.join(exc.missing)} yet. Try again shortly.",
                        extra={"unavailable_services": exc.missing}),
                instance="/openapi.json", headers={"retry-after": "2"})

    install_api_docs(app, openapi_url="/openapi.json")
    install_key_routes(app, gateway)

    app.add_middleware(ControlCharacterMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=gateway.settings.max_body_bytes,
                       max_import_body_bytes=gateway.settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app


class ReplicaCheck(BaseModel):
    """One replica's /readyz, as the gateway found it."""

    url: str
    ready: bool
    status: int | None = Field(None, description="The status the replica answered; absent when it did not answer.")
    error: str | None = Field(None, description="Why the replica did not answer (the error's name).")


class GatewayReadiness(BaseModel):
    """The answer of the gateway's /readyz when every service is ready (otherwise 503, a problem document)."""

    status: str = Field(description="Always ready.", examples=["ready"], pattern="^ready$")
    services: dict[str, list[ReplicaCheck]] = Field(description="Each service's replicas, by service name.")


READINESS_KEPT_SECONDS = 1.0


class ReadinessChecks:
    """The services' readiness, asked of their replicas at most once per READINESS_KEPT_SECONDS: an answer is
    kept that long, and callers arriving while the replicas are being asked wait for that same asking."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._key_store: tuple[float, str | None] | None = None
        self._answer: dict[str, list[dict[str, Any]]] | None = None
        self._asked_at = 0.0
        self._asking: asyncio.Future[dict[str, list[dict[str, Any]]]] | None = None

    async def services(self) -> dict[str, list[dict[str, Any]]]:
        if self._answer is not None and time.monotonic() - self._asked_at < READINESS_KEPT_SECONDS:
            return self._answer
        if self._asking is None:
            self._asking = asyncio.ensure_future(self._ask())
        return await asyncio.shield(self._asking)  # a caller that leaves does not cancel the others' asking

    async def key_store(self) -> str | None:
        """None when the key store answers at its head migration; otherwise why not (kept as long as the
        services' readiness)."""
        if self._key_store is not None and time.monotonic() - self._key_store[0] < READINESS_KEPT_SECONDS:
            return self._key_store[1]
        try:
            revision, head = await self.gateway.keys.migration()
            problem = None if revision == head else (f"key store (at migration {revision}, expected {head}: run "
                                                     "python -m gateway setup)")
        except KeyStoreUnavailable as exc:
            problem = f"key store ({exc}: run python -m gateway setup)"
        self._key_store = (time.monotonic(), problem)
        return problem

    async def _ask(self) -> dict[str, list[dict[str, Any]]]:
        try:
            gateway = self.gateway
            checks = await asyncio.gather(*(_check_upstream(gateway, name) for name in gateway.upstreams))
            self._answer = dict(zip(gateway.upstreams, checks))
            self._asked_at = time.monotonic()
            return self._answer
        finally:
            self._asking = None


async def _check_upstream(gateway: Gateway, name: str) -> list[dict[str, Any]]:
    session = gateway.session
    assert session is not None

    async def check(base_url: str) -> dict[str, Any]:
        try:
            async with session.get(base_url + "/readyz", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                return {"url": base_url, "ready": resp.status == 200, "status": resp.status}
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return {"url": base_url, "ready": False, "error": type(exc).__name__}

    return list(await asyncio.gather(*(check(r.base_url) for r in gateway.upstreams[name].replicas)))
