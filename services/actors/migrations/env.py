from services.actors import models as _models  # noqa: F401  (registers every table)
from services.actors.database import Base
from services.actors.settings import ActorsSettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, ActorsSettings().database_url)
