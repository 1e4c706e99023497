from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings


class SurveysSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEYS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/surveys.db"
