from services.surveys.database import Base
from services.surveys.settings import SurveysSettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, SurveysSettings().database_url)
