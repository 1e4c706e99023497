from pydantic_settings import SettingsConfigDict

from shared.settings import BaseServiceSettings


class ActorsSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACTORS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/actors.db"
