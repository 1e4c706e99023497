"""`GET /`: what a service is and who it sees the caller as; lets an integrator check a key end to end."""

from fastapi import APIRouter
from pydantic import BaseModel

from shared.identity import AnyCaller


class ServiceInfo(BaseModel):
    service: str
    version: str
    description: str
    caller: str
    role: str
    county_code: str | None


def service_info_router(name: str, version: str, description: str) -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.get("/", summary=f"About the {name} service and the caller as it sees them",
                operation_id=f"describe{name.capitalize()}")
    async def service_info(caller: AnyCaller) -> ServiceInfo:
        return ServiceInfo(service=name, version=version, description=description, caller=caller.subject,
                           role=caller.role.value, county_code=caller.county_code)

    return router
