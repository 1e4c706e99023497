from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings


class FundingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/funding.db"
