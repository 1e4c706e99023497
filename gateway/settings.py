import ipaddress
import json
import os
import re
from typing import Annotated, Any, Literal

from limits import parse
from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from shared.settings import PLACEHOLDER_SECRET

ENV_PREFIX = "GATEWAY_"
# Where `make run` starts the services; a deployment names its own (docker-compose.yml, deploy/stack.py).
DEVELOPMENT_SERVICES = {"actors": "http://127.0.0.1:8101", "funding": "http://127.0.0.1:8102",
                        "surveys": "http://127.0.0.1:8103", "reporting": "http://127.0.0.1:8104",
                        "dashboard": "http://127.0.0.1:8105"}
# A service's name is the first segment of its public path (/actors/...).
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
GATEWAY_OWN_PATHS = frozenset({"healthz", "readyz", "whoami", "docs", "redoc", "keys"})  # gateway/control.py
_NAMED_ENTRY = re.compile(r"^\s*([a-z][a-z0-9-]*)\s*=(.*)$")


def parse_services(value: str) -> dict[str, str]:
    """'actors=http://a:8101,http://b:8101,funding=http://f:8102' -> {'actors': 'http://a:8101,http://b:8101',
    'funding': 'http://f:8102'}: an entry `name=url` starts a service, a bare URL after it is another replica
    of it. A JSON object ({"actors": "http://a:8101"}) is read as it is."""
    if value.lstrip().startswith("{"):
        return {str(k): str(v) for k, v in json.loads(value).items()}
    services: dict[str, list[str]] = {}
    current: str | None = None
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if named := _NAMED_ENTRY.match(item):
            current, item = named.group(1), named.group(2).strip()
            services.setdefault(current, [])
        if current is None:
            raise ValueError(f"'{item}' names no service; write name=url (e.g. actors=http://actors:8101)")
        if item:
            services[current].append(item)
    return {name: ",".join(urls) for name, urls in services.items()}


class PerServiceVariables(PydanticBaseSettingsSource):
    """GATEWAY_<NAME>_URL and GATEWAY_<NAME>_TIMEOUT for any service name, as `<name>_url` and `<name>_timeout`
    (folded into `services` and `timeouts` by GatewaySettings)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {}
        for variable, value in os.environ.items():
            upper = variable.upper()
            if upper.startswith(ENV_PREFIX) and upper.endswith(("_URL", "_TIMEOUT")):
                key = upper.removeprefix(ENV_PREFIX).lower()
                if key not in self.settings_cls.model_fields:
                    found[key] = value
        return found


class GatewaySettings(BaseSettings):
    """Each upstream is a comma-separated list of replica base URLs, chosen round-robin."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    identity_secret: str = PLACEHOLDER_SECRET
    # The key store (gateway/keys/): the gateway's own database, shared by its replicas; PostgreSQL in production.
    keys_database_url: str = "sqlite+aiosqlite:///data/gateway.db"
    # A keys file (hashes, gateway/api_keys.py) that `python -m gateway setup` imports into the key store.
    api_keys_file: str = "data/gateway-keys.json"
    # How often a replica writes a used key's last_used_at (at most once per key in this many seconds).
    keys_last_used_seconds: float = Field(60.0, gt=0)

    # The services routed to, by name (the first segment of the public path): each a comma-separated list of
    # replica URLs. GATEWAY_SERVICES="actors=http://a:8101,http://b:8101,funding=http://f:8102" (or a JSON
    # object) names them all; GATEWAY_<NAME>_URL sets or adds one. A service added here is routed, documented
    # in the aggregated OpenAPI and checked by /readyz without a change to the code.
    services: Annotated[dict[str, str], NoDecode] = Field(default_factory=lambda: dict(DEVELOPMENT_SERVICES))
    # Whole-request time limit per upstream, in seconds; past it the caller gets 504. GATEWAY_<NAME>_TIMEOUT
    # (or GATEWAY_TIMEOUTS="actors=5,funding=20") for one service, `upstream_timeout` for the others.
    timeouts: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)
    upstream_timeout: float = 10.0
    # Bulk exchange (/imports/... and /exports/... of any service) moves whole files and may take minutes.
    bulk_timeout: float = 300.0
    connect_timeout: float = 2.0
    # A replica that refused a connection is skipped for this many seconds.
    replica_retry_after: float = 2.0
    # The largest request body forwarded, per route as the services take them (shared/settings.py): a JSON
    # document 1 MiB, a bulk import (/<service>/imports/...) 5 MiB. A larger body is 413 before it is read, when
    # it declares its length, and the moment it passes the limit otherwise.
    max_body_bytes: int = 1024 * 1024
    max_import_body_bytes: int = 5 * 1024 * 1024
    # The aggregated OpenAPI document: how long a whole one is kept, and how long a service may take to send its own.
    openapi_cache_seconds: float = 30.0
    openapi_fetch_timeout: float = 15.0

    # Rate limits (docs/gateway.md): a budget per API key by its role, per address for anonymous callers, and a
    # stricter one per address for wrong keys. Written as `<count>/<period>`, e.g. "600/minute", "5/10 seconds".
    rate_limit_enabled: bool = True
    # memory:// counts in this process; redis://host:6379/0 shares the budgets between gateway replicas.
    rate_limit_storage: str = "memory://"
    # Names the counters in a shared storage, so that two platforms (say test and production) on one Redis
    # keep apart.
    rate_limit_key_prefix: str = "rss-gateway"
    rate_limit_county: str = "1200/minute"
    rate_limit_national_admin: str = "1200/minute"
    rate_limit_dashboard: str = "3000/minute"
    # A service's own key (funding and surveys reading the registry): its calls on behalf of one caller (named in
    # X-RSS-On-Behalf-Of) spend from a budget of that service for that caller, its other calls from one of its own.
    rate_limit_service: str = "3000/minute"
    rate_limit_anonymous: str = "300/minute"
    rate_limit_failed_auth: str = "10/minute"
    # Load balancers or proxies in front of the gateway (addresses or networks, comma-separated; none by
    # default): from these peers the client's address is read from X-Forwarded-For (the right-most address in it
    # that is not one of them); from any other peer the header is ignored and the address is the peer's.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Origins whose browser pages may call the API (gateway/cors.py), comma-separated, e.g.
    # "https://dashboard.example.se"; none by default.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    access_log: bool = True
    log_format: Literal["json", "console"] = "console"
    log_level: str = "INFO"
    log_file: str | None = None

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, PerServiceVariables(settings_cls), env_settings, dotenv_settings,
                file_secret_settings)

    @model_validator(mode="before")
    @classmethod
    def _fold_per_service_values(cls, data: Any) -> Any:
        """`<name>_url` and `<name>_timeout` (keywords or GATEWAY_<NAME>_… variables) into services and
        timeouts; they win over the same service's entry in GATEWAY_SERVICES."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        services = data.get("services", DEVELOPMENT_SERVICES)
        services = dict(parse_services(services) if isinstance(services, str) else services)
        timeouts = data.get("timeouts", {})
        timeouts = dict(parse_services(timeouts) if isinstance(timeouts, str) else timeouts)
        for key in [k for k in data if k not in cls.model_fields]:
            name, _, kind = key.rpartition("_")
            if kind == "url":
                services[name] = data.pop(key)
            elif kind == "timeout":
                timeouts[name] = data.pop(key)
        data["services"], data["timeouts"] = services, timeouts
        return data

    @field_validator("services")
    @classmethod
    def _named_like_paths(cls, value: dict[str, str]) -> dict[str, str]:
        for name, urls in value.items():
            if not SERVICE_NAME.match(name):
                raise ValueError(f"service name '{name}' must be lower-case letters, digits and '-' (it is the "
                                 "first segment of the service's public path)")
            if name in GATEWAY_OWN_PATHS:
                raise ValueError(f"service name '{name}' is a path of the gateway itself")
            if not any(u.strip() for u in urls.split(",")):
                raise ValueError(f"service '{name}' has no URL")
        return value

    @model_validator(mode="after")
    def _timeouts_name_services(self) -> "GatewaySettings":
        unknown = sorted(set(self.timeouts) - set(self.services))
        if unknown:
            raise ValueError(f"timeouts are set for {unknown}, which are not among the services "
                             f"{sorted(self.services)}")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> list[str]:
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
        for item in filter(None, items):
            if not item.startswith(("http://", "https://")) or item.rstrip("/").count("/") != 2:
                raise ValueError(f"an origin is a scheme, a host and an optional port, like "
                                 f"https://dashboard.example.se; not {item!r}")
        return [item.rstrip("/") for item in items if item]

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> list[str]:
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
        for item in filter(None, items):
            ipaddress.ip_network(item, strict=False)  # a ValueError names what it could not read
        return [item for item in items if item]

    @field_validator("rate_limit_county", "rate_limit_national_admin", "rate_limit_dashboard",
                     "rate_limit_service", "rate_limit_anonymous", "rate_limit_failed_auth")
    @classmethod
    def _readable_limit(cls, value: str) -> str:
        parse(value)  # a ValueError names what it could not read
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "GatewaySettings":
        if self.environment == "production" and (
            self.identity_secret == PLACEHOLDER_SECRET or len(self.identity_secret) < 32
        ):
            raise ValueError("identity_secret must be a random value of at least 32 characters in production")
        return self

    def upstreams(self) -> dict[str, tuple[list[str], float]]:
        def replicas(value: str) -> list[str]:
            return [u.strip().rstrip("/") for u in value.split(",") if u.strip()]

        return {name: (replicas(urls), self.timeouts.get(name, self.upstream_timeout))
                for name, urls in self.services.items()}
