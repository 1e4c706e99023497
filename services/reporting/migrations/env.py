from services.reporting.database import Base
from services.reporting.settings import ReportingSettings
from shared.migrations import run_migrations_from_env

run_migrations_from_env(Base.metadata, ReportingSettings().database_url)
