from services.actors.database import Base
from services.actors.geography import models as _geography  # noqa: F401  (registers the tables)
from services.actors.settings import ActorsSettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, ActorsSettings().database_url)
