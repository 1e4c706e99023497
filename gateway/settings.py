from typing import Literal

from limits import parse
from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import PLACEHOLDER_SECRET


class GatewaySettings(BaseSettings):
    """Each upstream is a comma-separated list of replica base URLs, chosen round-robin."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    identity_secret: str = PLACEHOLDER_SECRET
    api_keys_file: str = "data/gateway-keys.json"

    actors_url: str = "http://127.0.0.1:8101"
    funding_url: str = "http://127.0.0.1:8102"
    surveys_url: str = "http://127.0.0.1:8103"
    # Whole-request time limit per upstream, in seconds; past it the caller gets 504.
    actors_timeout: float = 10.0
    funding_timeout: float = 10.0
    surveys_timeout: float = 10.0
    # Bulk exchange (/imports/... and /exports/... of any service) moves whole files and may take minutes.
    bulk_timeout: float = 300.0
    connect_timeout: float = 2.0
    # A replica that refused a connection is skipped for this many seconds.
    replica_retry_after: float = 2.0
    max_body_bytes: int = 20 * 1024 * 1024
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
    rate_limit_anonymous: str = "300/minute"
    rate_limit_failed_auth: str = "10/minute"

    access_log: bool = True
    log_format: Literal["json", "console"] = "console"
    log_level: str = "INFO"
    log_file: str | None = None

    @field_validator("rate_limit_county", "rate_limit_national_admin", "rate_limit_dashboard",
                     "rate_limit_anonymous", "rate_limit_failed_auth")
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

        return {
            "actors": (replicas(self.actors_url), self.actors_timeout),
            "funding": (replicas(self.funding_url), self.funding_timeout),
            "surveys": (replicas(self.surveys_url), self.surveys_timeout),
        }
