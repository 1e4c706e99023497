from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings


class SurveysSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEYS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/surveys.db"
    # The platform's gateway, through which surveys reads the actor registry (a round's target set, names and
    # contact points), and surveys' own key there (a read-only principal).
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_api_key: str | None = None
    gateway_timeout: float = Field(10.0, gt=0)
