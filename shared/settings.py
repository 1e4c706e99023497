"""Typed settings common to every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A development-only secret. Production refuses to start with it (see `_refuse_placeholder_secret`).
PLACEHOLDER_SECRET = "development-only-identity-secret-change-me"


class ServiceSettings(BaseSettings):
    """What every service reads, a service without a database of its own (the dashboard) included."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    # Shared with the gateway: verifies the identity the gateway forwards on every request.
    identity_secret: str = PLACEHOLDER_SECRET
    log_format: Literal["json", "console"] = "console"
    log_level: str = "INFO"
    log_file: str | None = None
    # The largest request body the service reads (413 past it): JSON documents are small; bulk imports
    # (/imports/...) take a whole CSV file, as large as an import can store within the gateway's bulk time limit.
    max_body_bytes: int = Field(1024 * 1024, ge=1)
    max_import_body_bytes: int = Field(5 * 1024 * 1024, ge=1)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "ServiceSettings":
        if self.environment == "production" and (
            self.identity_secret == PLACEHOLDER_SECRET or len(self.identity_secret) < 32
        ):
            raise ValueError(
                "identity_secret must be set to a random value of at least 32 characters in production"
            )
        return self


class BaseServiceSettings(ServiceSettings):
    """A service that keeps records: its own database besides."""

    database_url: str = "sqlite+aiosqlite:///data/service.db"
