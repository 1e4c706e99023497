from typing import Literal

from pydantic import model_validator
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

    access_log: bool = True
    log_format: Literal["json", "console"] = "console"
    log_level: str = "INFO"
    log_file: str | None = None

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
