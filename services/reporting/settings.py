import re
from datetime import date

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict
from standardwebhooks import Webhook

from shared.settings import BaseServiceSettings

SCHEDULE_PATTERN = re.compile(r"^(?P<month>[0-9]{2})-(?P<day>[0-9]{2})$")


class ReportingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/reporting.db"
    # The platform's gateway, through which reporting reads the actor registry, funding and surveys, and
    # reporting's own key there (a read-only principal, service-reporting).
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_api_key: str | None = None
    gateway_timeout: float = Field(10.0, gt=0)
    # The platform's address as its callers know it: the document names its JSON Schema there. Default: the
    # gateway URL above.
    public_url: str = ""
    # Composing the annual report asks the platform many questions (an RSS overview per RSS, the balances of each
    # county, the needs of each county): the calls one composition may make (every other request of the
    # platform may make 25), and how many are in flight at once.
    compose_calls: int = Field(400, ge=25, le=10_000)
    compose_concurrency: int = Field(8, ge=1, le=64)

    # Delivery to SKR, a Standard Webhooks POST of the report's JSON document. An empty endpoint keeps every
    # delivery pending ("no endpoint set") until one is set.
    skr_endpoint: str = ""
    skr_webhook_secret: str = ""
    # Yearly delivery, "MM-DD" (e.g. "01-31"): from that day each year, the previous year's report is composed
    # (a new version if anything changed) and its latest version delivered, once a year. Empty: none.
    delivery_schedule: str = ""
    # The delivery worker (one per process; replicas share the work through a claim on each delivery's row).
    delivery_worker: bool = True
    delivery_poll_seconds: float = Field(5.0, gt=0, le=3600)
    delivery_timeout: float = Field(15.0, gt=0, le=300)
    # A delivery fails after this many attempts or once it is this old, whichever comes first; a 4xx other than
    # 408 and 429 fails it at once. The wait before each retry follows the backoff policy, never longer than
    # delivery_max_delay seconds.
    delivery_max_attempts: int = Field(12, ge=1, le=1000)
    delivery_max_age_hours: float = Field(72.0, gt=0)
    delivery_max_delay: float = Field(6 * 3600.0, gt=0)

    @field_validator("skr_endpoint", "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("skr_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str) -> str:
        """A Standard Webhooks secret: whsec_ followed by base64 (the prefix may be left out)."""
        if value:
            try:
                Webhook(value)
            except Exception:
                raise ValueError("the webhook secret is a Standard Webhooks secret: whsec_ followed by "
                                 "base64") from None
        return value

    @field_validator("delivery_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        value = value.strip()
        if value:
            match = SCHEDULE_PATTERN.match(value)
            refusal = f"the delivery schedule is a day of the year as MM-DD (e.g. 01-31), not {value!r}"
            if match is None:
                raise ValueError(refusal)
            try:
                date(2024, int(match["month"]), int(match["day"]))  # a leap year: 02-29 is a day of the year
            except ValueError:
                raise ValueError(refusal) from None
        return value

    @model_validator(mode="after")
    def _endpoint_needs_secret(self) -> "ReportingSettings":
        if self.skr_endpoint and not self.skr_webhook_secret:
            raise ValueError("REPORTING_SKR_ENDPOINT is set without REPORTING_SKR_WEBHOOK_SECRET: deliveries are "
                             "signed")
        if self.environment == "production" and self.skr_webhook_secret and len(self.skr_webhook_secret) < 32:
            raise ValueError("the webhook secret must be at least 32 characters in production")
        return self

    def schema_url(self) -> str:
        return f"{self.public_url or self.gateway_url.rstrip('/')}/reporting/schemas/annual-report-v1.json"

    def schedule_day(self, year: int) -> date | None:
        """The scheduled delivery day in `year` (29 February is the 28th in other years); None without one."""
        if not self.delivery_schedule:
            return None
        month, day = (int(part) for part in self.delivery_schedule.split("-"))
        if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            day = 28
        return date(year, month, day)
