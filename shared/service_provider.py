"""A package's service as a route dependency, built for each request from its session and its caller.

    Organisations = Annotated[OrganisationService, provided(OrganisationService, AnyCaller)]
    OrganisationWriter = Annotated[OrganisationService, provided(OrganisationService, WritingCaller)]
    Allocator = Annotated[AllocationService, provided(AllocationService, WritingCaller, RegistryReader)]

    @router.get("/organisations/{organisation_id}")
    async def get_organisation(organisation_id: OrganisationId, organisations: Organisations) -> OrganisationOut:
        return await organisations.read(organisation_id)

The caller alias says who may call the route (shared.identity: AnyCaller, Caller, WritingCaller, or a service's
own); the service is built as `service(session, caller, *extras)` with the request's session (shared.database:
one transaction per request), that caller and any further dependencies given (an HTTP client of another
service), each as the Annotated alias a route parameter would use.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends

from shared.database import Session

S = TypeVar("S")


def provided(service: Callable[..., S], caller: Any, *extras: Any) -> Any:
    """`Depends` on `service(session, principal, *extras)`, each argument as its alias resolves it."""
    names = ["session", "caller", *(f"extra_{index}" for index in range(len(extras)))]

    async def build(**values: Any) -> S:
        return service(*(values[name] for name in names))

    # FastAPI reads a dependency's parameters from its signature: these are the aliases given here.
    build.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
         for name, annotation in zip(names, (Session, caller, *extras), strict=True)])
    build.__name__ = build.__qualname__ = f"provide_{getattr(service, '__name__', 'service')}"
    return Depends(build)
