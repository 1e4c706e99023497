from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DashboardSettings(ServiceSettings):
    """The dashboard keeps no records, so it names no database (shared.settings.ServiceSettings)."""

    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", extra="ignore")

    # The platform's gateway, through which every page reads the API, and the dashboard's own key there (a
    # read-only principal, service-dashboard).
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_api_key: str | None = None
    gateway_timeout: float = Field(10.0, gt=0)
    # The calls one page may make to the platform. The national overview asks about twenty questions (the
    # registry's lists, funding's balances and follow-ups, the surveys' latest round and status reports,
    # reporting's activities) and a county's history two per RSS and date; the platform client's default for a
    # service (25, shared.service_client) is meant for one record's rules, not for a page over the whole platform.
    max_platform_calls: int = Field(60, ge=1, le=500)
